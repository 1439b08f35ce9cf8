"""The fast path for clean CSV files: DuckDB's parallel `read_csv`, verified line for line.

Used only for files csv_scan calls DuckDB-safe. The result is accepted only when
DuckDB accounts for every physical line: good rows + rejected lines = data lines
of the scan, and every line DuckDB rejected is bad for the strict per-line parser
too (which then gives its reason). Otherwise, or when DuckDB raises, the caller
reads the file with csv_lines instead, so no line is ever lost to DuckDB.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from kam.extract.arrow_staging import ChunkedTable
from kam.extract.csv_lines import bad_lines_table, outcomes_of_lines
from kam.extract.physical_lines import MAX_LINE_BYTES
from kam.extract.staged import quote_literal, temp_name

FEW_REJECTS = 32  # up to this many rejected lines, good rows are numbered by an expression, else by a join


def read_csv_with_duckdb(
    con: duckdb.DuckDBPyConnection, path: Path, width: int, data_lines: int
) -> tuple[str, str, ChunkedTable | None] | None:
    """(good table `c0..`, its line-number SQL, bad table or None); None when DuckDB's reading is not verified."""
    table, rejects, scans = temp_name("csv"), temp_name("rej"), temp_name("scan")
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    try:
        con.execute(
            f"create temp table {table} as select * from read_csv({quote_literal(str(path))}, header=true, "
            f"auto_detect=false, delim=',', quote='\"', escape='\"', columns={columns}, "
            f"max_line_size={MAX_LINE_BYTES}, store_rejects=true, "
            f"rejects_table={quote_literal(rejects)}, rejects_scan={quote_literal(scans)})"
        )
        rejected = [r[0] for r in con.execute(f"select distinct line from {rejects} order by 1").fetchall()]
        good_rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    except duckdb.Error:
        con.execute(f"drop table if exists {table}")
        return None
    finally:
        con.execute(f"drop table if exists {rejects}")
        con.execute(f"drop table if exists {scans}")
    if good_rows + len(rejected) != data_lines:
        con.execute(f"drop table {table}")
        return None
    if not rejected:
        return table, "rowid + 2", None  # rows in file order: header is line 1
    outcomes = outcomes_of_lines(path, rejected, width)
    if len(outcomes) != len(rejected) or any(reason is None for _, reason in outcomes.values()):
        con.execute(f"drop table {table}")
        return None
    bad = bad_lines_table(con)
    for number in rejected:
        bad.add((number, *outcomes[number]))
    bad.flush()
    thresholds = [line - i for i, line in enumerate(rejected)]  # good row k sits after rejects with t <= k + 2
    if len(rejected) <= FEW_REJECTS:
        return table, f"rowid + 2 + len(list_filter({thresholds}, lambda t: t <= rowid + 2))", bad
    return _with_line_numbers(con, table, thresholds), "_line", bad


def _with_line_numbers(con: duckdb.DuckDBPyConnection, table: str, thresholds: list[int]) -> str:
    """A copy of `table` with `_line`: row ordinal + 2 (header, 1-based) + rejected lines before it.

    Good row k (0-based) comes after every rejected line i (0-based) with line_i - i <= k + 2.
    """
    numbers = temp_name("thr")
    con.execute(
        f"create temp table {numbers} as select t, max(i) as before from ("
        f"select unnest(?::bigint[]) as t, unnest(?::bigint[]) as i) group by t",
        [thresholds, list(range(1, len(thresholds) + 1))],
    )
    numbered = temp_name("csv")
    con.execute(
        f"create temp table {numbered} as select g.* exclude (_pos), g._pos + coalesce(t.before, 0) as _line "
        f"from (select *, rowid + 2 as _pos from {table}) g asof left join {numbers} t on g._pos >= t.t"
    )
    con.execute(f"drop table {numbers}")
    con.execute(f"drop table {table}")
    return numbered
