"""A reader process opening the reporting DB read-only in a tight loop during publications
never gets an error and always sees one complete night (see kam.warehouse.duckdb_snapshot)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

READER = Path(__file__).with_name("reader_loop.py")
PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
NIGHTS = 4
WAIT_LIMIT_SECONDS = 120  # a guard against hanging, not a timing assertion


def _wait_until_seen(out: Path, night: int, reader: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while time.monotonic() < deadline:
        seen = (out / "seen").read_text().split() if (out / "seen").exists() else []
        if str(night) in seen:
            return
        if reader.poll() is not None:
            pytest.fail(f"reader process ended early with code {reader.returncode}")
        time.sleep(0.01)
    pytest.fail(f"reader never saw night {night}")


def test_readers_never_fail_and_see_one_night(settings, publish_night, tmp_path):
    publish_night(1)
    out = tmp_path / "reader"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PLUGINS), os.environ.get("PYTHONPATH", "")])}
    reader = subprocess.Popen([sys.executable, str(READER), settings.reporting_db, str(out)], env=env)
    try:
        for night in range(2, NIGHTS + 1):
            _wait_until_seen(out, night - 1, reader)  # the reader is looping while we publish
            publish_night(night)
        _wait_until_seen(out, NIGHTS, reader)
    finally:
        (out / "stop").touch()
        reader.wait(timeout=WAIT_LIMIT_SECONDS)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["errors"] == [] and summary["error_count"] == 0
    assert summary["inconsistent"] == []
    assert summary["seen"] == list(range(1, NIGHTS + 1))
    assert summary["reads"] >= NIGHTS
