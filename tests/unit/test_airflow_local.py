"""`python -m kam.cli.airflow_local` (`make airflow`, `make airflow-stop`) without starting Airflow: a second
start says the instance runs, a taken port is refused, a stop with nothing running says so.
The whole start and stop are proven by tests/browser/test_airflow_ui.py."""

from __future__ import annotations

import json
import os
import socket

import pytest

from kam.cli import airflow_local


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    (tmp_path / "airflow").mkdir()
    return tmp_path


def test_a_second_start_says_airflow_runs(home, capsys):
    pids = {"api-server": os.getpid()}  # a live process stands in for the running api-server
    (home / "airflow" / "airflow_local.json").write_text(json.dumps({"url": "http://127.0.0.1:8123", "pids": pids}))
    assert airflow_local.main(["start"]) == 0
    assert capsys.readouterr().out == (
        f"Airflow already runs at http://127.0.0.1:8123 (pids {pids}); `make airflow-stop` stops it\n"
    )


def test_a_taken_port_is_refused(home, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert airflow_local.main(["start", "--port", str(port)]) == airflow_local.EXIT_FAILED
    assert capsys.readouterr().err == (
        f"Airflow did not start: port {port} is already in use: set AIRFLOW_PORT to another port\n"
    )


def test_stop_without_a_running_instance(home, capsys):
    assert airflow_local.main(["stop"]) == 0
    assert capsys.readouterr().out == "Airflow was not running\n"


@pytest.mark.parametrize("text", ["http", "0", "70000"])
def test_a_bad_port_setting_is_refused(text, monkeypatch, home, capsys):
    monkeypatch.setenv("AIRFLOW_PORT", text)
    with pytest.raises(SystemExit) as exit_:
        airflow_local.main(["start"])
    assert exit_.value.code == 2  # argparse's usage error
    assert f"AIRFLOW_PORT must be a port number, got {text!r}" in capsys.readouterr().err
