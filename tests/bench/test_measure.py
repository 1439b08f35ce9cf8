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
