"""`plugins/kam/bin/dbt_guarded`: it becomes the real program, and dies with the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kam.config import DBT_GUARDED

SLEEP = "/bin/sleep"


def _alive(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "zombie" not in state


def test_it_execs_the_real_dbt_with_the_arguments():
    result = subprocess.run(
        [str(DBT_GUARDED), "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "KAM_DBT_EXECUTABLE": str(Path(sys.executable).with_name("dbt"))},
    )
    assert result.returncode == 0, result.stderr
    assert "installed: 1.11" in result.stdout


def test_it_dies_when_its_parent_is_killed():
    parent_code = (
        "import subprocess, sys, time\n"
        f"child = subprocess.Popen([{str(DBT_GUARDED)!r}, '60'], start_new_session=True)\n"
        "print(child.pid, flush=True); time.sleep(60)\n"
    )
    env = {**os.environ, "KAM_DBT_EXECUTABLE": SLEEP}
    env.pop("KAM_DBT_PARENT_PID", None)
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True, env=env)
    child = int(parent.stdout.readline())
    deadline = time.monotonic() + 10
    while "sleep" not in Path(f"/proc/{child}/cmdline").read_text() and time.monotonic() < deadline:
        time.sleep(0.05)  # until it is the real program (the request to die is made before the exec)
    assert Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")[:2] == [SLEEP.encode(), b"60"]
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 3
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_it_dies_at_once_when_the_task_process_was_gone_before_it_started():
    env = {**os.environ, "KAM_DBT_EXECUTABLE": SLEEP, "KAM_DBT_PARENT_PID": "1"}  # not its parent: gone
    result = subprocess.run([str(DBT_GUARDED), "60"], env=env, timeout=20)
    assert result.returncode == -signal.SIGKILL
