"""The PostgreSQL warehouse (KAM_WAREHOUSE=postgresql://...): dbt, the gate and BI work in the server itself.

Publication is one DELETE/INSERT transaction BI reads directly (docs/decisions/0014); extraction
lands in DuckDB and is synced after (docs/decisions/0013). `?` placeholders become `%s`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import pandas as pd
from psycopg2 import sql

from kam.config import Settings
from kam.pg.connection import connect_url, libpq_url
from kam.pg.sync import SyncReport, sync_tables
from kam.warehouse.base import TableReader, Warehouse
from kam.warehouse.comments import TableComments
from kam.warehouse.duckdb_session import connect as connect_duckdb
from kam.warehouse.postgres_frames import frame_of
from kam.warehouse.reporting_schema import PUBLISHED, REPORTING
from kam.warehouse.urls import safe_url

if TYPE_CHECKING:
    from kam.publish.run_record import RunRecord

log = logging.getLogger(__name__)


def _pg_sql(text: str, params: list | None) -> str:
    return text.replace("%", "%%").replace("?", "%s") if params else text


def _table_columns(cur, schema: str, table: str) -> list[tuple[str, str]]:
    """(name, type) of a table's columns in order; empty when the table does not exist."""
    cur.execute(
        "select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
        "where a.attrelid = to_regclass(%s) and a.attnum > 0 and not a.attisdropped "
        "order by a.attnum",
        (f'"{schema}"."{table}"',),
    )
    return [(name, kind) for name, kind in cur.fetchall()]


class PostgresReader:
    """A schema of the PostgreSQL warehouse, in one read-only REPEATABLE READ transaction of its own."""

    def __init__(self, settings: Settings, schema: str):
        self.schema = schema
        self.where = f"schema {schema} of {safe_url(settings.warehouse)}"
        self.con = connect_url(settings.warehouse, application_name="kam-export")
        self.con.set_session(isolation_level="REPEATABLE READ", readonly=True)

    def table(self, name: str) -> str:
        return f'{self.schema}."{name}"'

    def fetchall(self, sql_text: str, params: list | None = None) -> list[tuple]:
        with self.con.cursor() as cur:
            cur.execute(sql_text.replace("?", "%s"), params or None)
            return cur.fetchall()

    def columns(self, table: str) -> list[str]:
        return [
            r[0]
            for r in self.fetchall(
                "select column_name from information_schema.columns where table_schema = ? "
                "and table_name = ? order by ordinal_position",
                [self.schema, table],
            )
        ]

    def close(self) -> None:
        self.con.rollback()
        self.con.close()


class PostgresWarehouse(Warehouse):
    """A session (psycopg2 connection) on the PostgreSQL warehouse."""

    dbt_target = "postgres"
    committed_status = PUBLISHED

    def __init__(self, settings: Settings | None, con: Any = None, purpose: str = "kam") -> None:
        super().__init__(settings, con)
        self.purpose = purpose
        self._in_transaction = False

    def _connect(self):
        return connect_url(self.settings.warehouse, application_name=self.purpose)

    def _run(self, text: str, params: list | None, fetch):
        try:
            with self.con.cursor() as cur:
                cur.execute(_pg_sql(text, params), params or None)
                result = fetch(cur)
        except Exception:
            self.con.rollback()
            raise
        if not self._in_transaction:
            self.con.commit()
        return result

    def fetchone(self, sql_text: str, params: list | None = None) -> tuple[Any, ...] | None:
        return self._run(sql_text, params, lambda cur: cur.fetchone())

    def fetchall(self, sql_text: str, params: list | None = None) -> list[tuple[Any, ...]]:
        return self._run(sql_text, params, lambda cur: cur.fetchall())

    def frame(self, sql_text: str, params: list | None = None) -> pd.DataFrame:
        return self._run(sql_text, params, frame_of)

    def execute(self, sql_text: str, params: list | None = None) -> None:
        self._run(sql_text, params, lambda cur: None)

    @contextmanager
    def transaction(self) -> Iterator[PostgresWarehouse]:
        self.con.rollback()  # start clean: nothing of an earlier read may be part of this transaction
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self.con.rollback()
            raise
        else:
            self.con.commit()
        finally:
            self._in_transaction = False

    def ensure_schema(self, schema: str) -> None:
        # only when missing: CREATE SCHEMA checks the database privilege first
        if self.fetchone("select 1 from pg_namespace where nspname = ?", [schema]) is None:
            self.execute(f'create schema "{schema}"')

    def schema_comments(self, schema: str) -> dict[str, TableComments]:
        tables = self.fetchall(
            "select c.relname, obj_description(c.oid, 'pg_class') from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relkind in ('r', 'p')",
            [schema],
        )
        found = {table: TableComments(table=comment) for table, comment in tables}
        columns = self.fetchall(
            "select c.relname, a.attname, col_description(c.oid, a.attnum) from pg_attribute a "
            "join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = ? and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped "
            "order by c.relname, a.attnum",
            [schema],
        )
        for table, column, comment in columns:
            found[table].columns[column] = comment
        return found

    def replace_table(self, table: str, candidates: str) -> None:
        published = sql.Identifier(REPORTING, table)
        candidate = sql.Identifier(candidates, table)
        with self.con.cursor() as cur:
            columns = _table_columns(cur, candidates, table)
            if _table_columns(cur, REPORTING, table) != columns:
                cur.execute(sql.SQL("drop table if exists {}").format(published))
                cur.execute(sql.SQL("create table {} (like {})").format(published, candidate))
            names = sql.SQL(", ").join(sql.Identifier(name) for name, _ in columns)
            cur.execute(sql.SQL("delete from {}").format(published))
            cur.execute(sql.SQL("insert into {} ({}) select {} from {}").format(published, names, names, candidate))

    def settle_publication(self) -> list:
        return []  # one transaction publishes everything: there is nothing to repair

    def publish_to_bi(self, publishing_run_id: str | None = None) -> Path | None:
        return None  # BI reads the committed reporting schema itself

    def mark_published(self, record: RunRecord) -> None:
        """Nothing to do: the run row was committed as `published`."""

    def published_reader(self) -> TableReader:
        return PostgresReader(self.settings, REPORTING)

    def candidates_reader(self, schema: str) -> TableReader:
        return PostgresReader(self.settings, schema)

    def landing_settings(self) -> Settings:
        return replace(self.settings, warehouse=str(self.settings.landing))

    def after_extraction(self) -> None:
        synced = self.sync_landing()
        log.info("extraction synced to PostgreSQL: %s", synced.rows)

    def sync_landing(self) -> SyncReport:
        """Bring the warehouse's raw/quarantine/meta up to date with the landing DuckDB (kam.pg.sync)."""
        landing = self.settings.landing
        if not landing.exists():
            raise FileNotFoundError(f"sync: landing DB {landing} does not exist (run extraction first)")
        duck = connect_duckdb(self.settings, read_only=True, path=landing)
        try:
            pg = connect_url(self.settings.warehouse, application_name="kam-sync")
            try:
                report = sync_tables(duck, pg)
            finally:
                pg.close()
        finally:
            duck.close()
        log.info("sync %s -> PostgreSQL: pairs %s, rows %s", landing, report.pairs, report.rows)
        return report

    def dbt_env(self) -> dict[str, str]:
        url = urlparse(libpq_url(self.settings.warehouse))
        return {
            "KAM_DBT_TARGET": self.dbt_target,
            "KAM_PG_HOST": url.hostname or "localhost",
            "KAM_PG_PORT": str(url.port or 5432),
            "KAM_PG_USER": unquote(url.username or ""),
            "KAM_PG_PASSWORD": unquote(url.password or ""),
            "KAM_PG_DBNAME": url.path.lstrip("/") or "kam",
        }
