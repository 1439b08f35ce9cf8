"""Run one benchmark stage as a subprocess and measure it.

Wall time (monotonic clock), CPU time (user + system of the finished children,
the `RUSAGE_CHILDREN` delta around the run) and peak memory: the greatest sum of
the resident set sizes of the whole process tree (the stage's process and every
descendant), sampled with psutil every `SAMPLE_SECONDS`.
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

    def to_dict(self) -> dict:
        return asdict(self)


def tree_rss(root: psutil.Process) -> int:
    """Bytes resident in `root` and all its descendants now (processes that vanish count 0)."""
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        with contextlib.suppress(psutil.Error):  # the process ended meanwhile
            total += process.memory_info().rss
    return total


class PeakSampler(threading.Thread):
    """Samples the tree RSS of `pid` until stopped; `peak` holds the greatest sum seen."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak = 0
        self._stop_event = threading.Event()
        try:
            self._root = psutil.Process(pid)
        except psutil.Error:
            self._root = None

    def run(self) -> None:
        while self._root is not None and not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss(self._root))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(cmd: list[str], env: dict[str, str], log_path: Path, cwd: Path | None = None) -> Measurement:
    """Run `cmd` (output to `log_path`) and return its wall time, CPU time and peak tree RSS."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cpu_before = _children_cpu()
    started = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        sampler = PeakSampler(process.pid)
        sampler.start()
        returncode = process.wait()
        wall = time.perf_counter() - started
        peak = sampler.stop()
    return Measurement(
        wall_s=round(wall, 3),
        cpu_s=round(_children_cpu() - cpu_before, 3),
        peak_rss_mb=round(peak / MB, 1),
        returncode=returncode,
        log=str(log_path),
    )
