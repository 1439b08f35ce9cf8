"""A throwaway KAM_HOME for end-to-end runs: its environment, its Airflow DB, a small demo drop, process lookup.

Every e2e test module builds its own home under tmp_path (own AIRFLOW_HOME too), so
modules never share a warehouse, a metadata DB or a lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def pipeline_env(home: Path) -> dict[str, str]:
    """The test process's environment without KAM_/AIRFLOW settings, pointed at `home`; no extraction retries."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KAM_", "AIRFLOW", "DBT_TARGET_PATH", "DBT_LOG_PATH"))
    }
    env.update(
        {
            "KAM_HOME": str(home),
            "AIRFLOW_HOME": str(home / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "GX_ANALYTICS_ENABLED": "False",
            "KAM_EXTRACT_RETRIES": "0",
            "PYTHONPATH": str(REPO / "plugins"),
        }
    )
    return env


def run_logged(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=REPO)
    log.write_text(result.stdout + result.stderr)
    assert result.returncode == 0, (
        f"{' '.join(cmd[:4])} failed (log {log}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result


def prepare_home(home: Path, as_of: str, customers: int = 60) -> dict[str, str]:
    """Migrate the home's Airflow DB and write a small demo drop as of `as_of`; the env to run in."""
    env = pipeline_env(home)
    (home / "airflow").mkdir(parents=True, exist_ok=True)
    run_logged([AIRFLOW, "db", "migrate"], env, home / "db-migrate.log")
    run_logged(
        [
            sys.executable,
            "-m",
            "kam.demo.generate",
            "--as-of",
            as_of,
            "--customers",
            str(customers),
            "--out",
            str(home / "demo"),
        ],
        env,
        home / "demo.log",
    )
    return env


def night_command(as_of: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "kam.cli.run_nightly", "--as-of", as_of, *extra]


def processes_of_home(home: Path) -> dict[int, str]:
    """pid -> command line of every live process whose environment has KAM_HOME=<home>."""
    marker = f"KAM_HOME={home}".encode() + b"\0"
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            cmdline = (entry / "cmdline").read_bytes()
            state = next(
                (line for line in (entry / "status").read_text().splitlines() if line.startswith("State:")), ""
            )
        except OSError:
            continue
        if (environ.startswith(marker) or b"\0" + marker in environ) and "zombie" not in state:
            found[int(entry.name)] = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()
    return found


def dbt_processes(home: Path, running: bool = False) -> dict[int, str]:
    """The dbt build processes of the home: `dbt_guarded build ...` still starting, or the
    `.../dbt build ...` it exec'd (only those with `running`)."""
    return {
        pid: cmd
        for pid, cmd in processes_of_home(home).items()
        if "/dbt build " in cmd or (not running and "dbt_guarded build " in cmd)
    }
