"""Run one benchmark stage as a subprocess and measure it.

Wall time (monotonic clock), CPU time (user + system of the finished children,
the `RUSAGE_CHILDREN` delta around the run, or, when more, the last CPU times sampled
of every process of the tree: a process nobody waits for, like pyspark's JVM, is
missing from `RUSAGE_CHILDREN`) and peak memory: the greatest sum of
the resident set sizes of the whole process tree (the stage's process and every
descendant, also one that was reparented after it was first seen), sampled with
psutil every `SAMPLE_SECONDS`. With `memory_limit_mb` the tree is killed as soon
as it holds more, and the measurement says so (`out_of_memory`) instead of the
machine swapping or the kernel killing a random process.
"""

from __future__ import annotations

import contextlib
import resource
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.05
MB = 1024 * 1024


@dataclass
class Measurement:
    """What one stage cost; `returncode` 0 = it succeeded."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    returncode: int
    log: str
    out_of_memory: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def _tree(root: psutil.Process, known: set[psutil.Process]) -> set[psutil.Process]:
    """`root` and its descendants, plus every process seen before that still runs (with its descendants)."""
    found = set()
    with contextlib.suppress(psutil.Error):  # the root ended meanwhile
        found = {root, *root.children(recursive=True)}
    for process in known - found:  # reparented (its parent ended): still part of the run
        with contextlib.suppress(psutil.Error):
            if process.is_running():
                found.update({process, *process.children(recursive=True)})
    return found


def _cpu_seconds(process: psutil.Process) -> float | None:
    with contextlib.suppress(psutil.Error):
        times = process.cpu_times()
        return times.user + times.system
    return None


def tree_rss(processes: set[psutil.Process]) -> int:
    """Bytes resident in `processes` now (processes that vanish count 0)."""
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            total += process.memory_info().rss
    return total


class PeakSampler(threading.Thread):
    """Samples the tree RSS of `pid` until stopped; `peak` holds the greatest sum seen, `cpu_s` the CPU
    seconds of every process of the tree as last seen (up to one interval short per process).

    Above `limit_bytes` it kills the whole tree and sets `exceeded`.
    """

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS, limit_bytes: int | None = None) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.limit_bytes = limit_bytes
        self.peak = 0
        self.exceeded = False
        self._known: set[psutil.Process] = set()
        self._cpu: dict[psutil.Process, float] = {}
        self._stop_event = threading.Event()
        try:
            self._root = psutil.Process(pid)
        except psutil.Error:
            self._root = None

    def run(self) -> None:
        while self._root is not None and not self._stop_event.is_set():
            self._known = _tree(self._root, self._known)
            rss = tree_rss(self._known)
            for process in self._known:
                seconds = _cpu_seconds(process)
                if seconds is not None:
                    self._cpu[process] = seconds
            self.peak = max(self.peak, rss)
            if self.limit_bytes is not None and rss > self.limit_bytes:
                self.exceeded = True
                for process in self._known:
                    with contextlib.suppress(psutil.Error):
                        process.kill()
                return
            self._stop_event.wait(self.interval)

    @property
    def cpu_s(self) -> float:
        return sum(self._cpu.values())

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    cmd: list[str], env: dict[str, str], log_path: Path, cwd: Path | None = None, memory_limit_mb: float | None = None
) -> Measurement:
    """Run `cmd` (output to `log_path`) and return its wall time, CPU time and peak tree RSS.

    With `memory_limit_mb`, a tree that holds more is killed and reported `out_of_memory`.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cpu_before = _children_cpu()
    started = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        limit = None if memory_limit_mb is None else int(memory_limit_mb * MB)
        sampler = PeakSampler(process.pid, limit_bytes=limit)
        sampler.start()
        returncode = process.wait()
        wall = time.perf_counter() - started
        peak = sampler.stop()
    return Measurement(
        wall_s=round(wall, 3),
        cpu_s=round(max(_children_cpu() - cpu_before, sampler.cpu_s), 3),
        peak_rss_mb=round(peak / MB, 1),
        returncode=returncode,
        log=str(log_path),
        out_of_memory=sampler.exceeded,
    )
