"""The environment the `airflow` command line needs to run `kam_nightly` from this repository.

`make` exports the same variables; these defaults let `python -m kam.cli.run_nightly`
work without make. Values already in the environment always win. OpenLineage events go to
`<KAM_HOME>/openlineage.jsonl` (AIRFLOW__OPENLINEAGE__DISABLED=true turns them off;
docs/decisions/0026).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kam.config import REPO_ROOT, Settings
from kam.dbt_docs_site import COSMOS_DOCS_ENV, cosmos_docs_projects
from kam.dbt_env import TELEMETRY_OFF

WAREHOUSE_POOL = "kam_warehouse"
POOL_DESCRIPTION = "DuckDB warehouse: one writing task at a time"
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
LINEAGE_NAMESPACE = "kam_warehouse"
TRANSPORT_ENV = "AIRFLOW__OPENLINEAGE__TRANSPORT"


def lineage_file(settings: Settings) -> Path:
    """Where the OpenLineage provider appends its events (one JSON event a line) for this KAM_HOME."""
    return settings.home / "openlineage.jsonl"


def lineage_env(settings: Settings) -> dict[str, str]:
    """The OpenLineage provider's settings: the file transport, our namespace, emission in a thread (no fork
    of the task process, which holds the warehouse's connection)."""
    transport = {"type": "file", "log_file_path": str(lineage_file(settings)), "append": True}
    return {
        TRANSPORT_ENV: json.dumps(transport),
        "AIRFLOW__OPENLINEAGE__NAMESPACE": LINEAGE_NAMESPACE,
        "AIRFLOW__OPENLINEAGE__EXECUTE_IN_THREAD": "True",
    }


def airflow_env(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default os.environ) plus Airflow home, DAG and plugin folders, telemetry off, lineage to a file."""
    env = dict(os.environ if base is None else base)
    defaults = {
        "KAM_HOME": str(settings.home),
        "AIRFLOW_HOME": str(settings.home / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        **TELEMETRY_OFF,
        **lineage_env(settings),
        COSMOS_DOCS_ENV: cosmos_docs_projects(settings.home),  # the UI serves <KAM_HOME>/docs (Browse > dbt Docs)
    }
    for key, value in defaults.items():
        env.setdefault(key, value)
    plugins = str(REPO_ROOT / "plugins")
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if plugins not in paths:
        env["PYTHONPATH"] = os.pathsep.join([plugins, *paths])
    return env


def ensure_lineage_folder(env: dict[str, str]) -> None:
    """Create the folder of a file transport's `log_file_path` (the transport does not)."""
    try:
        transport = json.loads(env.get(TRANSPORT_ENV) or "{}")
    except ValueError:
        return
    if isinstance(transport, dict) and transport.get("type") == "file" and transport.get("log_file_path"):
        Path(transport["log_file_path"]).parent.mkdir(parents=True, exist_ok=True)


def airflow(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    """Run `airflow <args>` with `env`; output captured unless `stdout` is given."""
    if "stdout" not in kwargs:
        kwargs["capture_output"] = True
    return subprocess.run([AIRFLOW, *args], env=env, text=True, **kwargs)


def ensure_pool(env: dict[str, str]) -> None:
    """Create (or reset) the one-slot pool `kam_warehouse`; migrate the metadata DB first if needed."""
    args = ["pools", "set", WAREHOUSE_POOL, "1", POOL_DESCRIPTION]
    result = airflow(args, env)
    if result.returncode != 0:
        Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
        migrate = airflow(["db", "migrate"], env)
        if migrate.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed:\n{migrate.stdout[-3000:]}\n{migrate.stderr[-3000:]}")
        result = airflow(args, env)
    if result.returncode != 0:
        raise RuntimeError(
            f"airflow pools set {WAREHOUSE_POOL} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
