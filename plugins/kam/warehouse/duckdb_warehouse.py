"""The DuckDB warehouse: one local file (KAM_WAREHOUSE) that extraction, dbt, the gate and publication share.

BI never opens it: publication commits the run row as `publishing`, writes the
reporting DB snapshot (KAM_REPORTING_DB, kam.warehouse.duckdb_snapshot) holding it as
`published`, then marks the warehouse row; a kill in between is repaired by
kam.warehouse.duckdb_reconcile. The export reads the snapshot, like BI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from kam.config import Settings
from kam.warehouse.base import TableReader, Warehouse
from kam.warehouse.comments import TableComments
from kam.warehouse.duckdb_comments import current_catalog, schema_comments
from kam.warehouse.duckdb_reconcile import Reconciled, reconcile_on
from kam.warehouse.duckdb_session import connect
from kam.warehouse.duckdb_snapshot import write_reporting_snapshot
from kam.warehouse.reporting_db import open_reporting_db
from kam.warehouse.reporting_schema import PUBLISHED, PUBLISHING, REPORTING

if TYPE_CHECKING:
    from kam.publish.run_record import RunRecord


class DuckDBReader:
    """A schema of a DuckDB file read through `con`; `prefix` qualifies table names."""

    def __init__(self, con: duckdb.DuckDBPyConnection, schema: str, where: str, prefix: str = ""):
        self.con, self.schema, self.where, self.prefix = con, schema, where, prefix

    def table(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def fetchall(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def columns(self, table: str) -> list[str]:
        return [
            r[0]
            for r in self.fetchall(
                "select column_name from information_schema.columns where table_schema = ? "
                "and table_catalog = current_database() and table_name = ? order by ordinal_position",
                [self.schema, table],
            )
        ]

    def close(self) -> None:
        self.con.close()


class DuckDBWarehouse(Warehouse):
    """A session on the DuckDB warehouse file."""

    dbt_target = "duckdb"
    committed_status = PUBLISHING

    def _connect(self) -> duckdb.DuckDBPyConnection:
        return connect(self.settings)

    def fetchone(self, sql: str, params: list | None = None) -> tuple[Any, ...] | None:
        return self.con.execute(sql, params or []).fetchone()

    def fetchall(self, sql: str, params: list | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def execute(self, sql: str, params: list | None = None) -> None:
        self.con.execute(sql, params or [])

    @contextmanager
    def transaction(self) -> Iterator[DuckDBWarehouse]:
        self.con.execute("begin transaction")
        try:
            yield self
        except BaseException:
            self.con.execute("rollback")
            raise
        self.con.execute("commit")

    def ensure_schema(self, schema: str) -> None:
        self.execute(f"create schema if not exists {schema}")

    def schema_comments(self, schema: str) -> dict[str, TableComments]:
        return schema_comments(self.con, current_catalog(self.con), schema)

    def replace_table(self, table: str, candidates: str) -> None:
        self.execute(f"create or replace table {REPORTING}.{table} as select * from {candidates}.{table}")

    def settle_publication(self) -> list[Reconciled]:
        if self._con is None and not Path(self.settings.warehouse).exists():
            return []  # nothing was ever published
        return reconcile_on(self.con, self.settings.reporting_db)

    def publish_to_bi(self, publishing_run_id: str | None = None) -> Path:
        return write_reporting_snapshot(self.con, self.settings.reporting_db, publishing_run_id)

    def mark_published(self, record: RunRecord) -> None:
        self.execute(
            f"update {REPORTING}.pipeline_runs set status = ? where run_id = ? and status = ?",
            [PUBLISHED, record.run_id, PUBLISHING],
        )

    def published_reader(self) -> TableReader:
        reporting_db = str(self.settings.reporting_db)
        return DuckDBReader(open_reporting_db(reporting_db), REPORTING, reporting_db)

    def candidates_reader(self, schema: str) -> TableReader:
        return DuckDBReader(
            connect(self.settings, read_only=True),
            schema,
            f"schema {schema} of {self.settings.warehouse}",
            prefix=f"{schema}.",
        )

    def landing_settings(self) -> Settings:
        return self.settings

    def after_extraction(self) -> None:
        """Nothing to do: extraction landed in the warehouse itself."""

    def dbt_env(self) -> dict[str, str]:
        return {"KAM_DBT_TARGET": self.dbt_target, "KAM_WAREHOUSE": str(Path(self.settings.warehouse).resolve())}

    def lock_files(self) -> list[Path]:
        warehouse = Path(self.settings.warehouse).resolve()
        return [warehouse.with_name(warehouse.name + ".run.lock")]
