"""Settings of the pipeline, read from `KAM_*` environment variables.

Every path defaults to a folder under `KAM_HOME` (default `./var`), so `make run`
works with no configuration at all. An Airflow connection can take the place of
a variable: set `KAM_<NAME>_CONN_ID` to a connection id and its URI (or, for
folders, its `extra.path`) is used instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import time, timedelta
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
DEFAULT_SMTP_CONN_ID = "smtp_default"  # the SMTP provider's own default connection id
# execution_timeout of each stage's task in minutes, KAM_<STAGE>_TIMEOUT_MINUTES to change one:
# about 5x what a 100M-line first night takes (bench/results/bench_100m.md: extraction 12 min,
# dbt build 8 min, export 1.5 min); `default` is every other task's.
DEFAULT_TIMEOUT_MINUTES = {
    "plan": 10,
    "extract": 60,
    "dbt_build": 120,
    "gate": 30,
    "publish": 30,
    "export": 30,
    "mail": 10,
    "default": 30,
}
# The night is late when not published by this UTC time of day (KAM_PUBLISH_DEADLINE, HH:MM; off: none).
DEFAULT_PUBLISH_DEADLINE = "07:00"
# For `airflow dags test`: no scheduler fires a deadline there, and Airflow 3.3.2's dag.test() fails
# the succeeded run of a DAG that has one (it looks the alerts up by ids only the metadata DB gives them).
WITHOUT_DEADLINE = {"KAM_PUBLISH_DEADLINE": "off"}


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
    alert_email: str | None  # KAM_ALERT_EMAIL: who gets the night's alert (comma-separated); None = log only
    landing_db: str | None = None  # KAM_LANDING_DB; None = <home>/landing.duckdb
    extract_memory_limit: str = DEFAULT_EXTRACT_MEMORY_LIMIT  # KAM_EXTRACT_MEMORY_LIMIT, extraction's DuckDB limit
    alert_from: str | None = None  # KAM_ALERT_FROM: sender of every mail; None = the SMTP connection's from_email
    smtp_conn_id: str = DEFAULT_SMTP_CONN_ID  # KAM_SMTP_CONN_ID: the Airflow SMTP connection mails go through
    sales_ops_email: str | None = None  # KAM_SALES_OPS_EMAIL: who gets the workbook of each export; None = nobody
    spark_dir_setting: str | None = None  # KAM_SPARK_DIR; None = <home>/spark

    @property
    def spark_dir(self) -> Path:
        """Spark's folder when KAM_WAREHOUSE names Spark (kam.warehouse.spark_warehouse): the Parquet handed to
        and from Spark, and a local session's tables and metastore. A Thrift server must see it at this path."""
        return Path(self.spark_dir_setting) if self.spark_dir_setting else self.home / "spark"

    @property
    def landing(self) -> Path:
        """The local DuckDB file extraction writes when the warehouse is PostgreSQL.

        Extraction lands raw/quarantine/meta there, then kam.pg.sync copies the
        run's changes into the PostgreSQL warehouse. Unused on DuckDB warehouses.
        """
        return Path(self.landing_db) if self.landing_db else self.home / "landing.duckdb"


def load_settings() -> Settings:
    """Read the settings from the environment (and Airflow connections); a KAM_WAREHOUSE that names no
    engine is refused here (ValueError), before anything runs."""
    from kam.warehouse.urls import check_warehouse

    home = _home()
    demo = home / "demo"
    settings = Settings(
        home=home,
        orders_source=_setting("ORDERS_SOURCE", f"sqlite:///{demo / 'erp.sqlite'}"),
        crm_source=_setting("CRM_SOURCE", demo / "crm"),
        warehouse=_setting("WAREHOUSE", home / "warehouse.duckdb"),
        reporting_db=_setting("REPORTING_DB", home / "kam_reporting.duckdb"),
        export_dir=Path(_setting("EXPORT_DIR", home / "exports")),
        report_dir=Path(_setting("REPORT_DIR", home / "reports")),
        duckdb_threads=_threads(),
        duckdb_memory_limit=os.environ.get("KAM_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT),
        alert_email=os.environ.get("KAM_ALERT_EMAIL") or None,
        landing_db=_from_connection("LANDING_DB") or os.environ.get("KAM_LANDING_DB") or None,
        extract_memory_limit=os.environ.get("KAM_EXTRACT_MEMORY_LIMIT") or DEFAULT_EXTRACT_MEMORY_LIMIT,
        alert_from=os.environ.get("KAM_ALERT_FROM") or None,
        smtp_conn_id=os.environ.get("KAM_SMTP_CONN_ID") or DEFAULT_SMTP_CONN_ID,
        sales_ops_email=os.environ.get("KAM_SALES_OPS_EMAIL") or None,
        spark_dir_setting=os.environ.get("KAM_SPARK_DIR") or None,
    )
    check_warehouse(settings.warehouse)
    return settings


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


def task_timeouts() -> dict[str, timedelta]:
    """execution_timeout per stage (`DEFAULT_TIMEOUT_MINUTES` keys), each from KAM_<STAGE>_TIMEOUT_MINUTES
    (e.g. KAM_DBT_BUILD_TIMEOUT_MINUTES) or its default. Read when the DAG is parsed."""
    minutes = {
        stage: non_negative_setting(f"KAM_{stage.upper()}_TIMEOUT_MINUTES", default)
        for stage, default in DEFAULT_TIMEOUT_MINUTES.items()
    }
    zero = [f"KAM_{stage.upper()}_TIMEOUT_MINUTES" for stage, value in minutes.items() if not value]
    if zero:
        raise ValueError(f"{', '.join(zero)} must be at least 1 (minutes)")
    return {stage: timedelta(minutes=value) for stage, value in minutes.items()}


def publish_deadline() -> time | None:
    """KAM_PUBLISH_DEADLINE (UTC, HH:MM, default 07:00): a night not published by then is late;
    `off`: no deadline (None). Read when the DAG is parsed."""
    text = os.environ.get("KAM_PUBLISH_DEADLINE", "").strip() or DEFAULT_PUBLISH_DEADLINE
    if text == "off":
        return None
    try:
        hours, minutes = (int(part) for part in text.split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError(f"KAM_PUBLISH_DEADLINE must be a UTC time HH:MM, e.g. 07:00, got {text!r}") from None


def late_after(start: time) -> timedelta | None:
    """How long after a night that starts at `start` (UTC) it is late: until the next `publish_deadline()`;
    None without a deadline."""
    deadline = publish_deadline()
    if deadline is None:
        return None
    late = (deadline.hour - start.hour) * 60 + deadline.minute - start.minute
    return timedelta(minutes=late % (24 * 60) or 24 * 60)
