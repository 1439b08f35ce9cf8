"""One run per warehouse (`kam.cli.run_lock`): a second run is refused naming the holder, or waits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kam.cli.run_lock import RunLockBusy, lock_paths, lock_wait_seconds, run_lock
from kam.config import load_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(monkeypatch, tmp_path):
    monkeypatch.setenv("KAM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KAM_WAREHOUSE", str(tmp_path / "wh" / "warehouse.duckdb"))
    monkeypatch.delenv("KAM_WAREHOUSE_CONN_ID", raising=False)
    monkeypatch.delenv("KAM_RUN_LOCK_WAIT_SECONDS", raising=False)
    return load_settings()


def test_the_home_and_the_duckdb_warehouse_are_locked(settings, tmp_path):
    assert lock_paths(settings) == [tmp_path / "home" / "run.lock", tmp_path / "wh" / "warehouse.duckdb.run.lock"]


def test_a_second_run_is_refused_at_once_naming_the_holder(settings, tmp_path):
    with run_lock(settings, command="run_nightly", as_of="2026-10-15"):
        started = time.monotonic()
        with pytest.raises(RunLockBusy) as busy, run_lock(settings, command="run_nightly", as_of="2026-10-16"):
            pytest.fail("two runs held the lock")
        assert time.monotonic() - started < 0.5
    message = str(busy.value)
    assert message.startswith(
        f"another run holds {tmp_path / 'home' / 'run.lock'} (pid {os.getpid()}, "
        "run_nightly as-of 2026-10-15, started 20"
    )
    assert "one run per warehouse at a time; wait for it to end, or set KAM_RUN_LOCK_WAIT_SECONDS" in message
    with run_lock(settings, command="run_nightly", as_of="2026-10-16"):  # free again afterwards
        pass


def test_another_home_on_the_same_warehouse_is_refused_too(settings, monkeypatch, tmp_path):
    with run_lock(settings, command="backfill", as_of="2026-10-10..2026-10-12"):
        monkeypatch.setenv("KAM_HOME", str(tmp_path / "other_home"))
        with (
            pytest.raises(
                RunLockBusy, match=r"warehouse.duckdb.run.lock \(pid \d+, backfill as-of 2026-10-10..2026-10-12"
            ),
            run_lock(load_settings(), command="run_nightly", as_of="2026-10-16"),
        ):
            pass


def test_a_second_run_waits_for_the_first_when_told_to(settings):
    holding = threading.Event()

    def first():
        with run_lock(settings, command="run_nightly", as_of="2026-10-15"):
            holding.set()
            time.sleep(1.0)

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(5)
    started = time.monotonic()
    with run_lock(settings, command="run_nightly", as_of="2026-10-16", wait_seconds=10):
        waited = time.monotonic() - started
    thread.join()
    assert 0.4 < waited < 5


def test_a_killed_holder_leaves_no_stale_lock(settings):
    code = (
        "from kam.config import load_settings\nfrom kam.cli.run_lock import run_lock\nimport time\n"
        "with run_lock(load_settings(), command='run_nightly', as_of='2026-10-15'):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "plugins")},
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(RunLockBusy, match=rf"pid {holder.pid}, run_nightly as-of 2026-10-15"),
            run_lock(settings, command="run_nightly", as_of="2026-10-16"),
        ):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with run_lock(settings, command="run_nightly", as_of="2026-10-16"):
        pass


def test_the_wait_setting_is_checked():
    assert lock_wait_seconds({}) == 0 and lock_wait_seconds({"KAM_RUN_LOCK_WAIT_SECONDS": "2.5"}) == 2.5
    for bad in ("soon", "-1"):
        with pytest.raises(ValueError, match=f"KAM_RUN_LOCK_WAIT_SECONDS must be a number >= 0, got '{bad}'"):
            lock_wait_seconds({"KAM_RUN_LOCK_WAIT_SECONDS": bad})
