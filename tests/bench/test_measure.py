"""`bench.measure`: exit code, CPU time and peak RSS of a whole process tree."""

from __future__ import annotations

import sys

from bench.measure import measure

HOLD = "import time; block = bytearray({mb} * 1024 * 1024); block[::4096] = b'x' * len(block[::4096]); time.sleep(0.6)"


def test_peak_memory_counts_the_process(tmp_path):
    m = measure([sys.executable, "-c", HOLD.format(mb=300)], {}, tmp_path / "one.log")
    assert m.returncode == 0
    assert 300 <= m.peak_rss_mb < 600


def test_peak_memory_sums_children_and_grandchildren(tmp_path):
    # The child holds 200 MB and waits for a grandchild holding another 200 MB at the same time.
    script = (
        "import subprocess, sys; block = bytearray(200 * 1024 * 1024); block[::4096] = b'x' * len(block[::4096]); "
        f"subprocess.run([sys.executable, '-c', {HOLD.format(mb=200)!r}], check=True)"
    )
    m = measure([sys.executable, "-c", script], {}, tmp_path / "tree.log")
    assert m.returncode == 0
    assert m.peak_rss_mb >= 400


def test_cpu_time_of_children_and_exit_code(tmp_path):
    m = measure(
        [sys.executable, "-c", "sum(i * i for i in range(3_000_000)); raise SystemExit(3)"], {}, tmp_path / "cpu.log"
    )
    assert m.returncode == 3
    assert m.cpu_s > 0
    assert m.wall_s > 0


def test_output_goes_to_the_log(tmp_path):
    log = tmp_path / "logs" / "echo.log"
    measure([sys.executable, "-c", "import sys; print('to stdout'); print('to stderr', file=sys.stderr)"], {}, log)
    assert sorted(log.read_text().splitlines()) == ["to stderr", "to stdout"]


def test_a_tree_above_its_memory_limit_is_killed_and_reported_out_of_memory(tmp_path):
    m = measure(
        [sys.executable, "-c", HOLD.format(mb=300) + "; time.sleep(5)"], {}, tmp_path / "cap.log", memory_limit_mb=100
    )
    assert m.out_of_memory is True
    assert m.returncode == -9
    assert m.wall_s < 5


def test_a_tree_within_its_memory_limit_runs_to_the_end(tmp_path):
    m = measure([sys.executable, "-c", HOLD.format(mb=50)], {}, tmp_path / "within.log", memory_limit_mb=1000)
    assert (m.out_of_memory, m.returncode) == (False, 0)


def test_peak_memory_counts_a_grandchild_whose_parent_exited(tmp_path):
    # The middle process starts a grandchild and exits without waiting: the grandchild is reparented,
    # then holds 300 MB (and says so in a file) while the root still runs; it is part of the run.
    ready = tmp_path / "ready"
    hold = "block = bytearray(300 * 1024 * 1024); block[::4096] = b'x' * len(block[::4096])"
    grandchild = f"import pathlib, time; time.sleep(0.5); {hold}; pathlib.Path({str(ready)!r}).touch(); time.sleep(3)"
    middle = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {grandchild!r}]); time.sleep(0.3)"
    root = (
        f"import pathlib, subprocess, sys, time; subprocess.run([sys.executable, '-c', {middle!r}]); "
        f"[time.sleep(0.05) for _ in range(600) if not pathlib.Path({str(ready)!r}).exists()]; time.sleep(0.5)"
    )
    m = measure([sys.executable, "-c", root], {}, tmp_path / "orphan.log")
    assert m.returncode == 0
    assert ready.exists()
    assert m.peak_rss_mb >= 300


def test_cpu_time_counts_a_grandchild_nobody_waits_for(tmp_path):
    # As pyspark's JVM: the middle process starts a grandchild busy for 1 s of CPU and exits without waiting for
    # it, so those seconds never reach RUSAGE_CHILDREN; the root waits until the grandchild is done.
    done = tmp_path / "done"
    busy = (
        "import pathlib, time\nend = time.process_time() + 1.0\nwhile time.process_time() < end: pass\n"
        f"pathlib.Path({str(done)!r}).touch(); time.sleep(0.3)"
    )
    middle = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {busy!r}]); time.sleep(0.3)"
    root = (
        f"import pathlib, subprocess, sys, time; subprocess.run([sys.executable, '-c', {middle!r}]); "
        f"[time.sleep(0.05) for _ in range(600) if not pathlib.Path({str(done)!r}).exists()]; time.sleep(0.2)"
    )
    m = measure([sys.executable, "-c", root], {}, tmp_path / "unwaited.log")
    assert (m.returncode, done.exists()) == (0, True)
    assert m.cpu_s >= 0.9
