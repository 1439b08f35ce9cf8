"""Copy the extraction's changes from the landing DuckDB into the PostgreSQL warehouse.

With a PostgreSQL warehouse, extraction validates and merges in a local DuckDB
file (`Settings.landing`); `sync_landing` then brings PostgreSQL's `raw`,
`quarantine` and `meta` schemas up to date, in ONE PostgreSQL transaction.

What is copied: the (run_id, object) pairs of the landing's `meta.extract_runs`
whose row PostgreSQL does not hold identically: this run's objects (a retry of a
run changes its row, so it is synced again), and any earlier run whose sync never
committed (the sync catches up by itself). For those pairs:
- `raw.<object>`: the rows with `_run_id` among the pairs' runs (what those runs
  inserted or replaced; extraction never deletes a key), upserted by contract
  key (`insert ... on conflict (key) do update`);
- `raw_history.<object>` (versions are only ever added, per run): the rows with
  `_run_id` among the pairs' runs deleted, then copied; a PostgreSQL history table
  still empty gets the landing's whole table (the seed from raw, decision 0009);
- `meta.watermarks` (one row per object, replaced by a later run): the rows of
  the pairs' objects replaced;
- other tables with columns `object` and `run_id` (`quarantine.rows`,
  `meta.loaded_files`, `meta.extract_runs`, `meta.source_reads`, `meta.source_errors`:
  rows are only ever added, per run):
  the pairs' rows deleted, then copied;
- other tables with `object` only: the pairs' objects' rows replaced;
- any other table of those schemas: replaced whole.
Rows travel by COPY, streamed from DuckDB as CSV (kam.pg.copy_stream).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import duckdb

from kam.config import Settings
from kam.pg.connection import connect
from kam.pg.copy_stream import copy_query
from kam.pg.mirror_tables import LandingTable, ensure_mirror, landing_tables, raw_key
from kam.warehouse import connect as connect_duckdb

log = logging.getLogger(__name__)

RUNS_TABLE = ("meta", "extract_runs")
#: tables whose rows of an object are replaced (not added to) by a later run
PER_OBJECT_TABLES = {("meta", "watermarks")}


@dataclass
class SyncReport:
    """What one sync copied: the (run_id, object) pairs and rows per PostgreSQL table."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"pairs": [list(p) for p in self.pairs], "rows": dict(self.rows)}


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _in_list(values) -> str:
    return "(" + ", ".join(_literal(v) for v in sorted(values)) + ")"


def _pg_rows(cur, table: LandingTable) -> set[tuple]:
    cur.execute(f"select {', '.join(chr(34) + c + chr(34) for c in table.column_names)} from {table.qualified}")
    return set(cur.fetchall())


def pending_pairs(duck: duckdb.DuckDBPyConnection, cur, runs: LandingTable) -> list[tuple[str, str]]:
    """(run_id, object) pairs whose extract_runs row PostgreSQL lacks or holds differently."""
    columns = runs.column_names
    landing = duck.execute(f"select {', '.join(columns)} from meta.extract_runs").fetchall()
    synced = _pg_rows(cur, runs)
    run_at, object_at = columns.index("run_id"), columns.index("object")
    return sorted({(row[run_at], row[object_at]) for row in landing if tuple(row) not in synced})


def _pairs_condition(pairs: list[tuple[str, str]]) -> str:
    return " or ".join(f"(object = {_literal(o)} and run_id = {_literal(r)})" for r, o in pairs)


def _sync_raw(duck, cur, table: LandingTable, runs: set[str]) -> int:
    key = raw_key(table)
    columns = table.column_names
    quoted = ", ".join(f'"{c}"' for c in columns)
    staging = f'"_kam_sync_{table.name}"'
    cur.execute(f"create temp table {staging} (like {table.qualified}) on commit drop")
    copied = copy_query(duck, f"select {quoted} from {table.schema}.{table.name} where _run_id in {_in_list(runs)}",
                        cur, staging, columns)
    if key:
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in key)
        conflict = ", ".join(f'"{k}"' for k in key)
        cur.execute(f"insert into {table.qualified} ({quoted}) select {quoted} from {staging} "
                    f"on conflict ({conflict}) do update set {updates}")
    else:
        cur.execute(f"insert into {table.qualified} ({quoted}) select {quoted} from {staging}")
    cur.execute(f"drop table {staging}")
    return copied


def _pg_table_empty(cur, table: LandingTable) -> bool:
    cur.execute(f"select not exists (select 1 from {table.qualified})")
    return cur.fetchone()[0]


def _sync_scoped(duck, cur, table: LandingTable, where: str) -> int:
    cur.execute(f"delete from {table.qualified} where {where}")
    quoted = ", ".join(f'"{c}"' for c in table.column_names)
    return copy_query(duck, f"select {quoted} from {table.schema}.{table.name} where {where}",
                      cur, table.qualified, table.column_names)


def sync_tables(duck: duckdb.DuckDBPyConnection, pg_connection) -> SyncReport:
    """Sync the landing (`duck`) into PostgreSQL in one transaction of `pg_connection` (committed here)."""
    report = SyncReport()
    tables = landing_tables(duck)
    runs_table = next((t for t in tables if (t.schema, t.name) == RUNS_TABLE), None)
    if runs_table is None:
        log.info("sync: the landing DB has no meta.extract_runs yet: nothing to sync")
        return report
    try:
        with pg_connection.cursor() as cur:
            ensure_mirror(cur, tables)
            report.pairs = pending_pairs(duck, cur, runs_table)
            if report.pairs:
                objects = {o for _, o in report.pairs}
                pairs_sql = _pairs_condition(report.pairs)
                for table in tables:
                    names = set(table.column_names)
                    if table.schema == "raw":
                        runs = {r for r, o in report.pairs if o == table.name}
                        if runs and "_run_id" in names:
                            report.rows[table.qualified] = _sync_raw(duck, cur, table, runs)
                    elif table.schema == "raw_history":
                        runs = {r for r, o in report.pairs if o == table.name}
                        if _pg_table_empty(cur, table):
                            report.rows[table.qualified] = _sync_scoped(duck, cur, table, "true")
                        elif runs and "_run_id" in names:
                            report.rows[table.qualified] = _sync_scoped(duck, cur, table,
                                                                        f"_run_id in {_in_list(runs)}")
                    elif {"object", "run_id"} <= names and (table.schema, table.name) not in PER_OBJECT_TABLES:
                        report.rows[table.qualified] = _sync_scoped(duck, cur, table, pairs_sql)
                    elif "object" in names:
                        report.rows[table.qualified] = _sync_scoped(duck, cur, table, f"object in {_in_list(objects)}")
                    else:
                        report.rows[table.qualified] = _sync_scoped(duck, cur, table, "true")
        pg_connection.commit()
    except BaseException:
        pg_connection.rollback()
        raise
    return report


def sync_landing(settings: Settings) -> SyncReport:
    """Bring the PostgreSQL warehouse's raw/quarantine/meta up to date with the landing DuckDB."""
    if not settings.landing.exists():
        raise FileNotFoundError(f"sync: landing DB {settings.landing} does not exist (run extraction first)")
    duck = connect_duckdb(settings, read_only=True, path=settings.landing)
    try:
        pg = connect(settings, application_name="kam-sync")
        try:
            report = sync_tables(duck, pg)
        finally:
            pg.close()
    finally:
        duck.close()
    log.info("sync %s -> PostgreSQL: pairs %s, rows %s", settings.landing, report.pairs, report.rows)
    return report
