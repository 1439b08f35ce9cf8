"""The Spark outbox: what a Spark build wrote as Parquet, copied into the serving DuckDB for the gate.

dbt's `on-run-end` (macro spark_write_outbox) writes `<outbox>/<schema>/<table>/` for every mart that
built, the staging orders the freshness check reads and the stored failing rows of the gate tests, then
`<outbox>/_invocation/` with the build's invocation id and the tables it wrote, last. `receive_outbox` replaces the build's
schemas in the serving DuckDB with them in one transaction, with the marts' dbt descriptions as comments
(what `persist_docs` writes on the other engines), so gate, publication and exports run as on DuckDB.
An outbox of another build (dbt stopped before its end) is not taken: the schemas are emptied, so the
gate blocks on missing tables instead of judging last night's. A build is received once (`meta.spark_received`):
a retried gate or the benchmark's own copy stage finds it done (docs/decisions/0028).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import duckdb

from kam.dbt_docs import ModelDocs
from kam.warehouse.comments import TableComments, comments_sql, quote_identifier
from kam.warehouse.duckdb_session import base_tables

log = logging.getLogger(__name__)

INVOCATION_FOLDER = "_invocation"
RECEIVED = "meta.spark_received"  # per candidates schema, the build received last
#: the schemas a build writes to the outbox, with the candidates' suffix (`_backfill`): nothing else is replaced
BUILD_SCHEMA = re.compile(r"^(marts|staging|test_failures)(_[a-z0-9]+)*$")


def build_schemas(candidates_schema: str) -> tuple[str, ...]:
    """The outbox schemas of the build whose candidates are `candidates_schema` (`marts` or `marts_<suffix>`)."""
    suffix = candidates_schema.removeprefix("marts")
    return (f"marts{suffix}", f"staging{suffix}", f"test_failures{suffix}")


def _parquet(folder: Path) -> str:
    return "'" + str(folder / "*.parquet").replace("'", "''") + "'"


def outbox_invocation(con: duckdb.DuckDBPyConnection, outbox: Path) -> tuple[str | None, list[str]]:
    """The invocation id of the build that completed the outbox and the `schema.table`s it wrote
    (a folder it did not list is of an earlier build); (None, []) without one."""
    folder = outbox / INVOCATION_FOLDER
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return None, []
    row = con.execute(f"select max(invocation_id), max(tables) from read_parquet({_parquet(folder)})").fetchone()
    return row[0], [t for t in (row[1] or "").split(",") if t]


def receive_outbox(
    con: duckdb.DuckDBPyConnection,
    outbox: Path,
    candidates_schema: str,
    invocation_id: str | None,
    docs: dict[str, ModelDocs],
) -> dict[str, int]:
    """Replace the build's schemas (`build_schemas`) in `con` with the outbox's tables; the rows per
    `schema.table`. `invocation_id`: the build's (run_results.json); `docs`: the marts' descriptions."""
    schemas = build_schemas(candidates_schema)
    if not all(BUILD_SCHEMA.match(s) for s in schemas):
        raise ValueError(f"receive_outbox: {candidates_schema!r} is not a candidates schema")
    written, listed = outbox_invocation(con, outbox)
    complete = invocation_id is not None and written == invocation_id
    con.execute("create schema if not exists meta")
    con.execute(f"create table if not exists {RECEIVED} (candidates_schema varchar primary key, invocation_id varchar)")
    held = con.execute(f"select invocation_id from {RECEIVED} where candidates_schema = ?", [candidates_schema])
    if complete and held.fetchone() == (invocation_id,):
        log.info("Spark outbox of build %s: received already", invocation_id)
        return {}
    if not complete:
        log.error(
            "the Spark outbox %s is of build %s, not of this build (%s): dbt did not reach its end; the build's "
            "schemas are left empty",
            outbox,
            written,
            invocation_id,
        )
    received: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        for schema in schemas:
            con.execute(f"create schema if not exists {schema}")
            for table in sorted(base_tables(con, schema)):
                con.execute(f"drop table {schema}.{quote_identifier(table)}")
            tables = sorted(t.split(".", 1)[1] for t in listed if complete and t.split(".", 1)[0] == schema)
            for table in tables:
                folder = outbox / schema / table
                target = f"{schema}.{quote_identifier(folder.name)}"
                con.execute(f"create table {target} as select * from read_parquet({_parquet(folder)})")
                received[f"{schema}.{folder.name}"] = con.execute(f"select count(*) from {target}").fetchone()[0]
                if schema == candidates_schema and folder.name in docs:
                    model = docs[folder.name]
                    con.execute(comments_sql(target, TableComments(model.description, dict(model.columns))))
        con.execute(f"delete from {RECEIVED} where candidates_schema = ?", [candidates_schema])
        con.execute(f"insert into {RECEIVED} values (?, ?)", [candidates_schema, invocation_id if complete else None])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    log.info("Spark outbox %s -> serving DuckDB: %s", outbox, received)
    return received
