"""Copy the extraction's changes from the landing DuckDB into the PostgreSQL warehouse, in one transaction.

`sync_tables` brings `raw`, `raw_history`, `quarantine` and `meta` up to date with every run the
server does not hold identically, so a failed sync is caught up by the next (docs/decisions/0013).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import duckdb

from kam.pg.copy_stream import copy_query
from kam.pg.mirror_tables import LandingTable, ensure_mirror, landing_tables, raw_key

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
    copied = copy_query(
        duck,
        f"select {quoted} from {table.schema}.{table.name} where _run_id in {_in_list(runs)}",
        cur,
        staging,
        columns,
    )
    if key:
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in key)
        conflict = ", ".join(f'"{k}"' for k in key)
        cur.execute(
            f"insert into {table.qualified} ({quoted}) select {quoted} from {staging} "
            f"on conflict ({conflict}) do update set {updates}"
        )
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
    return copy_query(
        duck,
        f"select {quoted} from {table.schema}.{table.name} where {where}",
        cur,
        table.qualified,
        table.column_names,
    )


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
                            report.rows[table.qualified] = _sync_scoped(
                                duck, cur, table, f"_run_id in {_in_list(runs)}"
                            )
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
