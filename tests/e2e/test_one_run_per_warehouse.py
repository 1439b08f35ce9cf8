"""Two `make run`s at once against one KAM_HOME: the second is refused at once naming the first, the first publishes.

Before the run lock both ran `airflow dags test` against one metadata DB and ended in
`sqlite3.IntegrityError: FOREIGN KEY constraint failed`, writing one log file.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.pipeline_home import night_command, prepare_home

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

AS_OF = "2026-10-15"


def _wait_for_holder(lock: Path, pid: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            holder = json.loads(lock.read_text() or "{}")
        except (OSError, ValueError):
            holder = {}
        if holder.get("pid") == pid:
            return holder
        time.sleep(0.2)
    raise AssertionError(f"run {pid} never took {lock}")


def test_a_second_run_is_refused_while_the_first_publishes(tmp_path):
    home = tmp_path / "home"
    env = prepare_home(home, AS_OF)
    first = subprocess.Popen(night_command(AS_OF), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        holder = _wait_for_holder(home / "run.lock", first.pid)
        started = time.monotonic()
        second = subprocess.run(night_command(AS_OF), env=env, capture_output=True, text=True, timeout=60)
        refused_after = time.monotonic() - started
        first_out, first_err = first.communicate(timeout=600)
    finally:
        if first.poll() is None:
            first.kill()
    assert second.returncode == 75, second.stdout + second.stderr
    assert second.stderr.strip() == (
        f"refused: another run holds {home / 'run.lock'} (pid {first.pid}, run_nightly as-of {AS_OF}, "
        f"started {holder['started_at']}): one run per warehouse at a time; wait for it to end, "
        "or set KAM_RUN_LOCK_WAIT_SECONDS to wait for it"
    )
    assert second.stdout == ""
    assert refused_after < 20  # at once: python start-up only, no Airflow
    assert first.returncode == 0, first_out[-3000:] + first_err[-3000:]
    assert "PUBLISHED" in first_out
    logs = sorted((home / "logs").glob("kam_nightly_*.log"))
    assert len(logs) == 1 and logs[0].name.startswith(f"kam_nightly_{AS_OF}_")
    assert "IntegrityError" not in logs[0].read_text(errors="replace")
