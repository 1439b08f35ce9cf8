"""The Spark warehouse (KAM_WAREHOUSE=spark or spark-thrift://host:10000/db): dbt builds on Spark, the rest
runs on a local serving DuckDB.

Extraction lands in the serving DuckDB (KAM_LANDING_DB, default `<KAM_HOME>/landing.duckdb`); before each
build its raw tables and the published ones go to Spark as Parquet (kam.warehouse.spark_inbox), dbt builds
on Spark (dbt-spark: a local session with its Derby metastore and tables under KAM_SPARK_DIR, or a Thrift
server), and the build's marts come back as Parquet (kam.warehouse.spark_outbox). Gate, publication (one
DuckDB transaction, then the BI snapshot) and exports are the DuckDB warehouse's, on the serving file: Spark
has no multi-table transaction, the serving DB does (docs/decisions/0028).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kam.config import Settings
from kam.dbt_docs import find_manifest, read_model_docs
from kam.warehouse.duckdb_warehouse import DuckDBWarehouse
from kam.warehouse.spark_inbox import hand_over, inbox_tables
from kam.warehouse.spark_outbox import receive_outbox
from kam.warehouse.urls import SPARK_THRIFT, warehouse_engine

DEFAULT_THRIFT_PORT = 10000
DEFAULT_THRIFT_SCHEMA = "default"


class SparkWarehouse(DuckDBWarehouse):
    """dbt on Spark; gate, publication and exports on the serving DuckDB (the landing file)."""

    dbt_target = "spark"

    def __init__(self, settings: Settings | None, con: Any = None) -> None:
        self.spark_settings = settings
        super().__init__(replace(settings, warehouse=str(settings.landing)), con)
        self.thrift = warehouse_engine(settings.warehouse) == SPARK_THRIFT

    @property
    def spark_dir(self) -> Path:
        """Spark's folder: the inbox and outbox, and for a local session its tables and metastore."""
        return self.spark_settings.spark_dir

    @property
    def inbox(self) -> Path:
        return self.spark_dir / "inbox"

    @property
    def outbox(self) -> Path:
        return self.spark_dir / "outbox"

    def before_dbt_build(self) -> None:
        """The night's raw changes and the published tables to Spark's inbox."""
        hand_over(self.con, self.inbox)

    def after_dbt_build(self, candidates_schema: str, invocation_id: str | None) -> None:
        """The build's outbox into the serving DuckDB, the marts with their descriptions."""
        manifest = find_manifest(self.spark_settings.home)
        docs = read_model_docs(manifest, self._outbox_models(candidates_schema), as_written=True) if manifest else {}
        receive_outbox(self.con, self.outbox, candidates_schema, invocation_id, docs)

    def _outbox_models(self, candidates_schema: str) -> list[str]:
        folder = self.outbox / candidates_schema
        return [p.name for p in folder.iterdir()] if folder.is_dir() else []

    def dbt_env(self) -> dict[str, str]:
        env = {
            "KAM_DBT_TARGET": "spark_thrift" if self.thrift else self.dbt_target,
            "KAM_SPARK_INBOX": str(self.inbox),
            "KAM_SPARK_INBOX_TABLES": ",".join(inbox_tables(self.inbox)),
            "KAM_SPARK_OUTBOX": str(self.outbox),
        }
        if self.thrift:
            url = urlparse(self.spark_settings.warehouse)
            env.update(
                {
                    "KAM_SPARK_HOST": url.hostname or "localhost",
                    "KAM_SPARK_PORT": str(url.port or DEFAULT_THRIFT_PORT),
                    "KAM_SPARK_SCHEMA": url.path.strip("/") or DEFAULT_THRIFT_SCHEMA,
                }
            )
        else:
            env.update(
                {
                    "KAM_SPARK_WAREHOUSE_DIR": str(self.spark_dir / "tables"),
                    "KAM_SPARK_METASTORE_DIR": str(self.spark_dir / "metastore"),
                }
            )
        return env
