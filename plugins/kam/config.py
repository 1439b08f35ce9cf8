"""Settings of the pipeline, read from `KAM_*` environment variables.

Every path defaults to a folder under `KAM_HOME` (default `./var`), so `make run`
works with no configuration at all. An Airflow connection can take the place of
a variable: set `KAM_<NAME>_CONN_ID` to a connection id and its URI (or, for
folders, its `extra.path`) is used instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# The nightly's dbt executable: execs dbt after asking to die with its parent (see the script).
DBT_GUARDED = Path(__file__).resolve().parent / "bin" / "dbt_guarded"
# Retries of an extraction task (a source that is down); a file that cannot be read is
# recorded, not raised, so retrying is only for real failures. Tests set 0.
DEFAULT_EXTRACT_RETRIES = 2
DEFAULT_EXTRACT_RETRY_DELAY_SECONDS = 120
# DuckDB memory limits: dbt, gate and publish use KAM_DUCKDB_MEMORY_LIMIT; extraction
# has its own, lower one (KAM_EXTRACT_MEMORY_LIMIT): it stages and checks whole drops
# in temp tables, which DuckDB keeps in memory up to the limit before spilling them
# to disk; at 10M order lines a 4GB limit made extraction alone a 4 GB process.
DEFAULT_DUCKDB_MEMORY_LIMIT = "4GB"
DEFAULT_EXTRACT_MEMORY_LIMIT = "2GB"


def _home() -> Path:
    return Path(os.environ.get("KAM_HOME", REPO_ROOT / "var")).resolve()


def _from_connection(name: str) -> str | None:
    """Value of an Airflow connection named by KAM_<NAME>_CONN_ID, if set."""
    conn_id = os.environ.get(f"KAM_{name}_CONN_ID")
    if not conn_id:
        return None
    from airflow.sdk import BaseHook  # imported lazily: plain scripts need no Airflow

    conn = BaseHook.get_connection(conn_id)
    path = (conn.extra_dejson or {}).get("path")
    return path or conn.get_uri()


def _setting(name: str, default: Path | str) -> str:
    return _from_connection(name) or os.environ.get(f"KAM_{name}") or str(default)


def _threads() -> int:
    """KAM_DUCKDB_THREADS as a positive int (it reaches SQL: `set threads = ...`)."""
    text = os.environ.get("KAM_DUCKDB_THREADS", "2")
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"KAM_DUCKDB_THREADS={text!r} is not a thread count: expected a positive integer, e.g. 2")
    return int(text)


@dataclass(frozen=True)
class Settings:
    """Where the sources, the warehouse, the reporting DB and the exports live."""

    home: Path
    orders_source: str
    crm_source: str
    warehouse: str
    reporting_db: str
    export_dir: Path
    report_dir: Path
    duckdb_threads: int
    duckdb_memory_limit: str
    alert_webhook: str | None
    alert_email: str | None
    landing_db: str | None = None  # KAM_LANDING_DB; None = <home>/landing.duckdb
    extract_memory_limit: str = DEFAULT_EXTRACT_MEMORY_LIMIT  # KAM_EXTRACT_MEMORY_LIMIT, extraction's DuckDB limit

    @property
    def landing(self) -> Path:
        """The local DuckDB file extraction writes when the warehouse is PostgreSQL.

        Extraction lands raw/quarantine/meta there, then kam.pg.sync copies the
        run's changes into the PostgreSQL warehouse. Unused on DuckDB warehouses.
        """
        return Path(self.landing_db) if self.landing_db else self.home / "landing.duckdb"


def load_settings() -> Settings:
    """Read the settings from the environment (and Airflow connections)."""
    home = _home()
    demo = home / "demo"
    return Settings(
        home=home,
        orders_source=_setting("ORDERS_SOURCE", f"sqlite:///{demo / 'erp.sqlite'}"),
        crm_source=_setting("CRM_SOURCE", demo / "crm"),
        warehouse=_setting("WAREHOUSE", home / "warehouse.duckdb"),
        reporting_db=_setting("REPORTING_DB", home / "kam_reporting.duckdb"),
        export_dir=Path(_setting("EXPORT_DIR", home / "exports")),
        report_dir=Path(_setting("REPORT_DIR", home / "reports")),
        duckdb_threads=_threads(),
        duckdb_memory_limit=os.environ.get("KAM_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT),
        alert_webhook=os.environ.get("KAM_ALERT_WEBHOOK") or None,
        alert_email=os.environ.get("KAM_ALERT_EMAIL") or None,
        landing_db=_from_connection("LANDING_DB") or os.environ.get("KAM_LANDING_DB") or None,
        extract_memory_limit=os.environ.get("KAM_EXTRACT_MEMORY_LIMIT") or DEFAULT_EXTRACT_MEMORY_LIMIT,
    )


def non_negative_setting(name: str, default: float, kind: type = int, environ: dict[str, str] | None = None) -> float:
    """The environment variable `name` as a number >= 0 of `kind` (int or float), `default` when unset."""
    text = (os.environ if environ is None else environ).get(name, "").strip()
    if not text:
        return default
    what = "a whole number" if kind is int else "a number"
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name} must be {what} >= 0, got {text!r}") from None
    if value < 0:
        raise ValueError(f"{name} must be {what} >= 0, got {text!r}")
    return value


def extract_retry_policy() -> tuple[int, int]:
    """(retries, delay in seconds) of the extraction tasks: KAM_EXTRACT_RETRIES (default 2),
    KAM_EXTRACT_RETRY_DELAY_SECONDS (default 120). Read when the DAG is parsed."""
    return (
        non_negative_setting("KAM_EXTRACT_RETRIES", DEFAULT_EXTRACT_RETRIES),
        non_negative_setting("KAM_EXTRACT_RETRY_DELAY_SECONDS", DEFAULT_EXTRACT_RETRY_DELAY_SECONDS),
    )
