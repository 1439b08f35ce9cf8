"""A run killed while `dbt build` runs leaves no dbt process behind.

Cosmos starts dbt in its own session, so a kill of the run (its process group, or
the CLI itself) used to leave `dbt build` writing the warehouse and holding the
DuckDB lock for seconds. Now dbt runs through `plugins/kam/bin/dbt_guarded`
(PR_SET_PDEATHSIG) and the CLI's `airflow dags test` child dies with the CLI.
Processes are found by this test's unique KAM_HOME in their environment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.pipeline_home import dbt_processes, night_command, prepare_home, processes_of_home

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

AS_OF = "2026-10-15"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    home = tmp_path_factory.mktemp("kam_kill")
    return home, prepare_home(home, AS_OF)


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _airflow_child(cli_pid: int, home: Path) -> int:
    children = [
        pid
        for pid, cmd in processes_of_home(home).items()
        if "dags test kam_nightly" in cmd and Path(f"/proc/{pid}/stat").read_text().split()[3] == str(cli_pid)
    ]
    return children[0] if children else 0


@pytest.mark.parametrize("victim", ["airflow process group", "cli"])
def test_killing_the_run_during_dbt_build_kills_dbt(prepared, victim):
    home, env = prepared
    cli = subprocess.Popen(night_command(AS_OF), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        airflow = _wait(lambda: _airflow_child(cli.pid, home), 60, "the CLI's airflow child")
        assert os.getpgid(airflow) == airflow != os.getpgid(cli.pid)  # its own process group
        dbt = _wait(lambda: dbt_processes(home, running=True), 180, "dbt build to run")
        time.sleep(1)  # well inside the build
        if victim == "cli":
            os.kill(cli.pid, signal.SIGKILL)
        else:
            os.killpg(airflow, signal.SIGKILL)
        _wait(lambda: not dbt_processes(home), 5, f"dbt {sorted(dbt)} to die after the kill of the {victim}")
        if victim == "cli":
            cli.wait(timeout=5)
            _wait(lambda: not processes_of_home(home), 5, "every process of the run to die with the CLI")
        else:
            assert cli.wait(timeout=60) == 1  # the CLI reports the failed run and ends
    finally:
        if cli.poll() is None:
            cli.kill()
        for pid in processes_of_home(home):
            os.kill(pid, signal.SIGKILL)
