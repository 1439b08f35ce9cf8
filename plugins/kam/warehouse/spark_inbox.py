"""The Spark inbox: what dbt on Spark reads, written as Parquet from the local serving DuckDB before each build.

`<inbox>/<schema>/<table>/` is one folder of Parquet files per table, registered by dbt's
`on-run-start` (macro spark_register_inbox) as an external table of the same name:
- `raw.<object>`: the current rows, rewritten when an extraction run of the object is new or changed;
- `raw_history.<object>`: one file per extraction run (only the night's new runs are written);
- `reporting.<table>`: the published tables dbt reads back, rewritten when a new run was published.
Each file is written under a hidden name and renamed, so Spark never lists a half-written file.
What was handed over is remembered in `<inbox>/_state.json` (docs/decisions/0028).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import duckdb

from kam.warehouse.duckdb_session import base_tables
from kam.warehouse.reporting_schema import PUBLISHED, REPORTING

log = logging.getLogger(__name__)

RAW, RAW_HISTORY = "raw", "raw_history"
STATE_FILE = "_state.json"
CURRENT_FILE = "data.parquet"
EMPTY_FILE = "empty.parquet"  # an empty raw_history: its columns only


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _write_parquet(con: duckdb.DuckDBPyConnection, query: str, params: list, target: Path) -> None:
    """`query` into the Parquet file `target`, through a hidden file renamed at the end."""
    target.parent.mkdir(parents=True, exist_ok=True)
    hidden = target.with_name(f".{target.name}.tmp")
    con.execute(f"copy ({query}) to {_quoted(hidden)} (format parquet, compression zstd)", params)
    os.replace(hidden, target)


def run_file_name(run_id: str) -> str:
    """The raw_history file of an extraction run (run ids hold characters no file name should)."""
    return hashlib.sha1(run_id.encode()).hexdigest()[:20] + ".parquet"


def _extract_runs(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Per object, its extraction runs of meta.extract_runs: run_id -> a fingerprint of the run's row."""
    if "extract_runs" not in base_tables(con, "meta"):
        return {}
    relation = con.execute("select * from meta.extract_runs")
    columns = [d[0] for d in relation.description]
    runs: dict[str, dict[str, str]] = {}
    for row in relation.fetchall():
        record = dict(zip(columns, row))
        runs.setdefault(record["object"], {})[record["run_id"]] = json.dumps([str(v) for v in row])
    return runs


def _published_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """What changes whenever a run publishes (a night or a backfill); None before the first."""
    if "pipeline_runs" not in base_tables(con, REPORTING):
        return None
    row = con.execute(
        f"select count(*), max(finished_at), max(run_id) from {REPORTING}.pipeline_runs where status = ?", [PUBLISHED]
    ).fetchone()
    return json.dumps([str(v) for v in row])


def inbox_tables(inbox: Path) -> list[str]:
    """`schema.table` of every table folder in the inbox that holds a Parquet file."""
    if not inbox.is_dir():
        return []
    return sorted(
        f"{table.parent.name}.{table.name}"
        for table in inbox.glob("*/*")
        if table.is_dir() and any(table.glob("*.parquet"))
    )


def _read_state(inbox: Path) -> dict:
    path = inbox / STATE_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def _write_state(inbox: Path, state: dict) -> None:
    hidden = inbox / f".{STATE_FILE}.tmp"
    hidden.write_text(json.dumps(state, indent=1, sort_keys=True))
    os.replace(hidden, inbox / STATE_FILE)


def _hand_over_raw(con, inbox: Path, state: dict) -> dict[str, int]:
    """raw.<object> of every object with a new or changed extraction run, and those runs of raw_history."""
    written: dict[str, int] = {}
    runs = _extract_runs(con)
    handed = state.get("extract_runs", {})
    history_tables = base_tables(con, RAW_HISTORY)
    for table in sorted(base_tables(con, RAW)):
        current = inbox / RAW / table / CURRENT_FILE
        now, before = runs.get(table, {}), handed.get(table, {})
        if current.is_file() and now == before:
            continue
        _write_parquet(con, f"select * from {RAW}.{table}", [], current)
        written[f"{RAW}.{table}"] = con.execute(f"select count(*) from {RAW}.{table}").fetchone()[0]
        if table in history_tables:
            changed = {run for run, fingerprint in now.items() if before.get(run) != fingerprint}
            written[f"{RAW_HISTORY}.{table}"] = _hand_over_history(con, inbox / RAW_HISTORY / table, table, changed)
    state["extract_runs"] = runs
    return written


def _hand_over_history(con, folder: Path, table: str, changed: set[str]) -> int:
    """One file per extraction run of raw_history.<table>: those of the `changed` runs and any run without
    one are written, files of runs the history no longer holds are removed. The rows written."""
    counts = dict(con.execute(f"select _run_id, count(*) from {RAW_HISTORY}.{table} group by _run_id").fetchall())
    wanted = {run_file_name(run): run for run in counts}
    for stale in folder.glob("*.parquet") if folder.is_dir() else []:
        if stale.name not in wanted:
            stale.unlink()
    rows = 0
    for name, run in sorted(wanted.items()):
        target = folder / name
        if target.is_file() and run not in changed:
            continue
        _write_parquet(con, f"select * from {RAW_HISTORY}.{table} where _run_id = ?", [run], target)
        rows += counts[run]
    if not counts:  # an empty history still needs a file Spark reads the columns from
        _write_parquet(con, f"select * from {RAW_HISTORY}.{table}", [], folder / EMPTY_FILE)
    return rows


def _hand_over_published(con, inbox: Path, state: dict) -> dict[str, int]:
    """reporting.* as published, when a newer run was published than the inbox holds."""
    published = _published_fingerprint(con)
    tables = sorted(base_tables(con, REPORTING))
    folder = inbox / REPORTING
    if published == state.get("published_run") and sorted(inbox_tables_of(folder)) == tables:
        return {}
    written = {}
    for stale in inbox_tables_of(folder):
        if stale not in tables:
            shutil.rmtree(folder / stale)
    for table in tables:
        _write_parquet(con, f"select * from {REPORTING}.{table}", [], folder / table / CURRENT_FILE)
        written[f"{REPORTING}.{table}"] = con.execute(f"select count(*) from {REPORTING}.{table}").fetchone()[0]
    state["published_run"] = published
    return written


def inbox_tables_of(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []


def hand_over(con: duckdb.DuckDBPyConnection, inbox: Path) -> dict[str, int]:
    """Bring the inbox up to date with the serving DuckDB `con`; the rows written per `schema.table`."""
    inbox.mkdir(parents=True, exist_ok=True)
    state = _read_state(inbox)
    written = _hand_over_raw(con, inbox, state)
    written.update(_hand_over_published(con, inbox, state))
    _write_state(inbox, state)
    log.info("Spark inbox %s: %s", inbox, written or "up to date")
    return written
