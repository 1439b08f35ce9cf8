"""Readers of drop-folder files (CSV, JSONL, Parquet) into text staging tables.

Every physical line becomes a good or a quarantined row; a file that cannot be read at all raises
`FileUnreadable` (docs/decisions/0012).
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from kam.contract import SourceObject
from kam.extract import csv_lines, csv_scan
from kam.extract.csv_fast import read_csv_with_duckdb
from kam.extract.errors import FileUnreadable
from kam.extract.jsonl_lines import parse_jsonl_file
from kam.extract.staged import StagedSource, quote_ident, quote_literal, temp_name
from kam.extract.typed_text import text_expression

log = logging.getLogger(__name__)


def _check_columns(obj: SourceObject, present: list[str], label: str) -> None:
    seen: set[str] = set()
    for name in present:
        if name in seen and name != "":
            raise FileUnreadable(obj.name, label, f"header names column '{name}' twice", column=name)
        seen.add(name)
    for name in obj.required_columns:
        if name not in seen:
            raise FileUnreadable(obj.name, label, f"required column '{name}' missing", column=name)


def _positional(obj: SourceObject, names: list[str]) -> dict[str, str]:
    """Contract column -> staged column (`c<i>` of its occurrence) or null when absent."""
    return {c: (f"c{names.index(c)}" if c in names else "null") for c in obj.column_names}


def _raw_json(names: list[str]) -> str:
    """The original row as a JSON object, keys in source column order."""
    parts = ", ".join(f"{quote_literal(n)}, c{i}" for i, n in enumerate(names))
    return f"json_object({parts})" if names else "'{}'"


def parquet_schema(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of each Parquet column."""
    try:
        described = con.execute(f"describe select * from read_parquet({quote_literal(str(path))})").fetchall()
    except duckdb.Error as exc:
        raise FileUnreadable(obj.name, label, f"not a readable Parquet file ({first_line(exc)})") from exc
    return [(r[0], r[1]) for r in described]


def first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def check_file_columns(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> None:
    """Raise FileUnreadable if a file's header cannot be read, names a column twice or lacks a required one.

    CSV and Parquet: before anything is read. JSONL: keys are known only after
    reading the lines, see stage_jsonl.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _check_columns(obj, csv_lines.read_header(obj, path, label), label)
    elif suffix == ".parquet":
        _check_columns(obj, [n for n, _ in parquet_schema(con, obj, path, label)], label)
    elif suffix != ".jsonl":
        raise FileUnreadable(obj.name, label, f"unsupported file type '{path.suffix}'")


def _open_error(obj: SourceObject, label: str, exc: OSError) -> FileUnreadable:
    return FileUnreadable(obj.name, label, f"cannot read the file: {exc.strerror or exc}")


def stage_csv(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> list[StagedSource]:
    """CSV (comma, double quotes, header line) -> a text table of good rows, plus a table of bad lines."""
    names = csv_lines.read_header(obj, path, label)
    _check_columns(obj, names, label)
    try:
        scan = csv_scan.scan_csv(path)
        fast = read_csv_with_duckdb(con, path, len(names), scan.lines - 1) if scan.duckdb_safe else None
        if fast is None:
            log.info("%s: read line by line (%s)", label, scan.why_not or "DuckDB did not account for every line")
            good_table, bad = csv_lines.parse_csv_file(con, path, len(names))
            table, row = good_table.name, "_line"
        else:
            table, row, bad = fast
    except OSError as exc:
        raise _open_error(obj, label, exc) from exc
    good = StagedSource(table=table, source=label, columns=_positional(obj, names), raw=_raw_json(names), row=row)
    if bad is None or not bad.count:
        if bad is not None:
            bad.drop()
        return [good]
    return [
        good,
        StagedSource(
            table=bad.name,
            source=label,
            columns=dict.fromkeys(obj.column_names, "null"),
            raw="to_json(_bad_line)",
            row="_line",
            parse_error="_parse_reason",
        ),
    ]


def stage_jsonl(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> list[StagedSource]:
    """JSONL -> one row per non-blank line; each contract value as its JSON text, bad lines with a reason."""
    try:
        table = parse_jsonl_file(con, obj, path, label)
    except OSError as exc:
        raise _open_error(obj, label, exc) from exc
    return [
        StagedSource(
            table=table.name,
            source=label,
            row="_line",
            raw="_raw_text",
            parse_error="_parse_reason",
            columns={c: f"c{i}" for i, c in enumerate(obj.column_names)},
        )
    ]


def stage_parquet(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> list[StagedSource]:
    """Parquet -> a text view over the file (typed columns cast to their ISO / decimal text), streamed when checked."""
    schema = parquet_schema(con, obj, path, label)
    names = [n for n, _ in schema]
    _check_columns(obj, names, label)
    view = temp_name("parquet")
    selects = ", ".join(f"{text_expression(quote_ident(n), t)} as c{i}" for i, (n, t) in enumerate(schema))
    con.execute(
        f"create temp view {view} as select {selects}, file_row_number + 1 as _line "
        f"from read_parquet({quote_literal(str(path))}, file_row_number=true)"
    )
    return [
        StagedSource(
            table=view,
            source=label,
            columns=_positional(obj, names),
            raw=_raw_json(names),
            row="_line",
            relation="view",
            read_error="not a readable Parquet file",
        )
    ]


def stage_file(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> list[StagedSource]:
    """Stage one file by its extension (.csv, .jsonl, .parquet); FileUnreadable when it cannot be read at all."""
    readers = {".csv": stage_csv, ".jsonl": stage_jsonl, ".parquet": stage_parquet}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise FileUnreadable(obj.name, label, f"unsupported file type '{path.suffix}'")
    return reader(con, obj, path, label)
