"""Readers of drop-folder files (CSV, JSONL, Parquet) into text staging tables.

Every value is read as text: CSV with all columns VARCHAR, JSONL as the text of
each value, Parquet columns cast to text (ISO dates/timestamps, plain decimals).
Columns are matched by name; extra columns are ignored (but kept in `raw`); a
missing required column raises `ExtractError` naming object, column and file.
Staged columns are named positionally (`c0`, `c1`...) so no source column name
can clash with the names validation adds.
"""
from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from kam.contract import SourceObject
from kam.extract.errors import ExtractError
from kam.extract.staged import StagedSource, quote_ident, quote_literal, temp_name
from kam.extract.typed_text import text_expression


def _check_columns(obj: SourceObject, present: list[str], label: str) -> None:
    for name in obj.required_columns:
        if name not in present:
            raise ExtractError(f"{obj.name}: required column '{name}' missing in {label}")


def _positional(obj: SourceObject, names: list[str]) -> dict[str, str]:
    """Contract column -> staged column (`c<i>` of its first occurrence) or null when absent."""
    return {c: (f"c{names.index(c)}" if c in names else "null") for c in obj.column_names}


def _raw_json(names: list[str]) -> str:
    """The original row as a JSON object, keys in source column order."""
    parts = ", ".join(f"{quote_literal(n)}, c{i}" for i, n in enumerate(names))
    return f"json_object({parts})" if names else "'{}'"


def csv_header(path: Path) -> list[str]:
    """Column names of a CSV file (its first line), trimmed."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            first = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ExtractError(f"cannot read {path}: {exc}") from exc
    return [name.strip() for name in first]


def parquet_schema(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple[str, str]]:
    """(name, DuckDB type) of each Parquet column."""
    try:
        described = con.execute(f"describe select * from read_parquet({quote_literal(str(path))})").fetchall()
    except duckdb.Error as exc:
        raise ExtractError(f"cannot read {path}: {exc}") from exc
    return [(r[0], r[1]) for r in described]


def check_file_columns(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> None:
    """Raise if a file lacks a required column (CSV and Parquet: before anything is read)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _check_columns(obj, csv_header(path), label)
    elif suffix == ".parquet":
        _check_columns(obj, [n for n, _ in parquet_schema(con, path)], label)
    # JSONL: keys are known only after reading the lines, see stage_jsonl


def stage_csv(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> list[StagedSource]:
    """CSV (comma, double quotes, header line) -> text table, plus a table of malformed lines."""
    names = csv_header(path)
    _check_columns(obj, names, label)
    table, rejects, scans = temp_name("csv"), temp_name("rej"), temp_name("scan")
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names))) + "}"
    try:
        con.execute(
            f"create temp table {table} as select * from read_csv({quote_literal(str(path))}, header=true, "
            f"auto_detect=false, delim=',', quote='\"', escape='\"', columns={columns}, "
            f"store_rejects=true, rejects_table={quote_literal(rejects)}, rejects_scan={quote_literal(scans)})")
    except duckdb.Error as exc:
        raise ExtractError(f"cannot read {path}: {exc}") from exc
    bad = temp_name("bad")
    con.execute(f"create temp table {bad} as select line as _line, any_value(csv_line) as _bad_line, "
                f"string_agg(distinct lower(cast(error_type as varchar)), '; ') as _kind "
                f"from {rejects} group by line")
    con.execute(f"drop table {rejects}")
    con.execute(f"drop table {scans}")
    # a good row's line: its ordinal + 2 (header, 1-based), plus the rejected lines before it
    lines = [r[0] for r in con.execute(f"select _line from {bad} order by _line").fetchall()]
    thresholds = [line - i for i, line in enumerate(lines)]
    row = "rowid + 2"
    if thresholds:
        row += f" + len(list_filter({thresholds}, lambda t: t <= rowid + 2))"
    good = StagedSource(table=table, source=label, columns=_positional(obj, names), raw=_raw_json(names), row=row)
    malformed = StagedSource(table=bad, source=label, columns={c: "null" for c in obj.column_names},
                             raw="to_json(_bad_line)", row="_line",
                             parse_error="'malformed CSV line: ' || _kind")
    return [good, malformed] if lines else [good]


def stage_jsonl(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> list[StagedSource]:
    """JSONL -> one row per non-blank line; each contract value read as its JSON text."""
    table, lines = temp_name("jsonl"), temp_name("lines")
    try:
        con.execute(
            f"create temp table {lines} as select * from read_csv({quote_literal(str(path))}, header=false, "
            f"auto_detect=false, columns={{'line': 'VARCHAR'}}, delim=chr(1), quote='', escape='')")
    except duckdb.Error as exc:
        raise ExtractError(f"cannot read {path}: {exc}") from exc
    con.execute(
        f"create temp table {table} as select * from ("
        f"select rowid + 1 as _line, line, "
        f"case when json_valid(line) then json_type(line) = 'OBJECT' else false end as _ok from {lines}) "
        f"where trim(coalesce(line, ''), ' \t\r\n') <> ''")
    con.execute(f"drop table {lines}")
    keys = {r[0] for r in con.execute(
        f"select distinct unnest(case when _ok then json_keys(line) end) from {table}").fetchall()}
    if con.execute(f"select count(*) from {table} where _ok").fetchone()[0]:
        _check_columns(obj, [c for c in obj.column_names if c in keys], label)
    columns = {
        c: f"case when _ok then json_extract_string(line, {quote_literal('$.' + _json_path_key(c))}) end"
        for c in obj.column_names
    }
    return [StagedSource(
        table=table, source=label, columns=columns, row="_line",
        raw="case when _ok then line else to_json(line) end",
        parse_error="case when not _ok then 'not a JSON object' end")]


def _json_path_key(name: str) -> str:
    return '"' + name.replace('"', '\\"') + '"'


def stage_parquet(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> list[StagedSource]:
    """Parquet -> text table; typed columns cast to their ISO / decimal text."""
    schema = parquet_schema(con, path)
    names = [n for n, _ in schema]
    _check_columns(obj, names, label)
    table = temp_name("parquet")
    selects = ", ".join(f"{text_expression(quote_ident(n), t)} as c{i}" for i, (n, t) in enumerate(schema))
    try:
        con.execute(
            f"create temp table {table} as select {selects}, file_row_number + 1 as _line "
            f"from read_parquet({quote_literal(str(path))}, file_row_number=true)")
    except duckdb.Error as exc:
        raise ExtractError(f"cannot read {path}: {exc}") from exc
    return [StagedSource(table=table, source=label, columns=_positional(obj, names), raw=_raw_json(names),
                         row="_line")]


def stage_file(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> list[StagedSource]:
    """Stage one file by its extension (.csv, .jsonl, .parquet)."""
    readers = {".csv": stage_csv, ".jsonl": stage_jsonl, ".parquet": stage_parquet}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise ExtractError(f"{obj.name}: unsupported file type {path}")
    return reader(con, obj, path, label)
