"""The strict per-line CSV parser (RFC 4180 quoting, one physical line = one record).

Reads the files DuckDB cannot be trusted with and names the reason of every line DuckDB rejects,
so both paths agree line for line (docs/decisions/0012).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kam.contract import SourceObject
from kam.extract.arrow_staging import ChunkedTable
from kam.extract.errors import FileUnreadable
from kam.extract.physical_lines import (
    MAX_LINE_BYTES,
    UTF8_BOM,
    LineBlock,
    PhysicalLine,
    is_blank,
    line_problem,
    line_text,
    read_line_blocks,
    read_physical_lines,
)

csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES + 1))  # a field may be as long as a line

_CSV_ERRORS = {"unexpected end of data": "unterminated quote", "',' expected after '\"'": "text after a closing quote"}


def _fields(text: str) -> tuple[list[str] | None, str | None]:
    if '"' not in text:
        return text.split(","), None
    try:
        return next(csv.reader((text,), strict=True)), None
    except csv.Error as exc:
        return None, f"malformed CSV line: {_CSV_ERRORS.get(str(exc), str(exc))}"


def split_csv_line(text: str, width: int) -> tuple[list[str] | None, str | None]:
    """(the `width` values as written, None), or (None, reason); ('' stays '', see parse_csv_file)."""
    values, problem = _fields(text)
    if values is None:
        return None, problem
    if len(values) != width:
        if len(values) > width and not any(values[width:]):
            return values[:width], None  # trailing empty fields (trailing commas) are ignored, as DuckDB does
        return None, f"malformed CSV line: expected {width} fields, found {len(values)}"
    return values, None


def _is_blank_text(text: str) -> bool:
    return not text or (text[0] in " \t" and not text.strip(" \t"))


def line_outcome(line: PhysicalLine, width: int) -> tuple[list[str] | None, str | None]:
    """A data line's values, or its quarantine reason; (None, None) for a blank line."""
    problem = line_problem(line)
    if problem is None and is_blank(line.content):
        return None, None
    if problem:
        return None, problem
    return split_csv_line(line.content.decode("utf-8"), width)


def read_header(obj: SourceObject, path: Path, label: str) -> list[str]:
    """The trimmed column names of the header line; FileUnreadable when there is none to read."""
    try:
        with open(path, "rb") as handle:
            first = next(read_physical_lines(handle), None)
    except OSError as exc:
        raise FileUnreadable(obj.name, label, f"cannot open the file: {exc.strerror}") from exc
    if first is None or is_blank(first.content.removeprefix(UTF8_BOM)):
        raise FileUnreadable(obj.name, label, "no header line (the first line is empty)")
    if first.content.startswith(UTF8_BOM):
        first = PhysicalLine(first.number, first.content[len(UTF8_BOM) :], first.length - len(UTF8_BOM))
    problem = line_problem(first)
    if problem:
        raise FileUnreadable(obj.name, label, f"header line: {problem}")
    values, problem = _fields(first.content.decode("utf-8"))
    if values is None:
        raise FileUnreadable(obj.name, label, f"header line: {problem}")
    return [value.strip() for value in values]


def bad_lines_table(con: duckdb.DuckDBPyConnection) -> ChunkedTable:
    """Bad lines: `_line`, `_bad_line` (the line's text), `_parse_reason` (names validation does not use)."""
    return ChunkedTable(con, "csvbad", [("_line", "bigint"), ("_bad_line", "text"), ("_parse_reason", "text")])


def parse_csv_file(con: duckdb.DuckDBPyConnection, path: Path, width: int) -> tuple[ChunkedTable, ChunkedTable]:
    """(good, bad) temp tables: good `c0..c<width-1>` ('' as null), `_line`; bad as `bad_lines_table`."""
    good = ChunkedTable(
        con, "csvgood", [(f"c{i}", "text") for i in range(width)] + [("_line", "bigint")], empty_as_null=True
    )
    bad = bad_lines_table(con)
    try:
        with open(path, "rb") as handle:
            for block in read_line_blocks(handle):
                if block.text is not None:
                    _add_clean_block(block, width, good, bad)
                    continue
                for line in block.lines:
                    if line.number == 1:
                        continue  # the header
                    values, reason = line_outcome(line, width)
                    if values is not None:
                        good.add((*values, line.number))
                    elif reason is not None:
                        bad.add((line.number, line_text(line), reason))
        good.flush()
        bad.flush()
    except BaseException:
        good.drop()
        bad.drop()
        raise
    return good, bad


def _add_clean_block(block: LineBlock, width: int, good: ChunkedTable, bad: ChunkedTable) -> None:
    """Lines of a clean block (no byte-level problem): only blank lines and CSV splitting remain.

    Lines without a quote that split into exactly `width` fields are split by Arrow
    in one go; the others (quotes, other field counts, blank) one by one.
    """
    lines = pc.list_flatten(pc.split_pattern(pa.array([block.text]), "\n")).slice(0, block.count)
    if block.crlf:
        lines = pc.replace_substring_regex(lines, "\r$", "")
    numbers = pa.array(range(block.first, block.first + block.count), pa.int64())
    fields = pc.split_pattern(lines, ",")
    simple = pc.and_(
        pc.and_not(pc.equal(pc.list_value_length(fields), width), pc.match_substring(lines, '"')),
        pc.not_equal(numbers, 1),
    )
    if width == 1:  # a blank line splits into one field too
        simple = pc.and_not(simple, pc.match_substring_regex(lines, "^[ \t]*$"))
    simple_fields = fields.filter(simple)
    good.add_arrays([pc.list_element(simple_fields, i) for i in range(width)] + [numbers.filter(simple)])
    others = pc.indices_nonzero(pc.and_(pc.invert(simple), pc.not_equal(numbers, 1))).to_pylist()
    for index in others:
        number, text = block.first + index, lines[index].as_py()
        if _is_blank_text(text):
            continue
        values, reason = split_csv_line(text, width)
        if values is not None:
            values.append(number)
            good.add(values)
        else:
            bad.add((number, text, reason))


def outcomes_of_lines(path: Path, numbers: Iterable[int], width: int) -> dict[int, tuple[str, str | None]]:
    """line number -> (raw text, reason or None when the line is good or blank), for the lines asked."""
    wanted = set(numbers)
    found: dict[int, tuple[str, str | None]] = {}
    if not wanted:
        return found
    last = max(wanted)
    with open(path, "rb") as handle:
        for block in read_line_blocks(handle):
            if not any(block.first <= n < block.first + block.count for n in wanted):
                if block.first + block.count > last:
                    break
                continue
            lines = (
                block.lines
                if block.lines is not None
                else [
                    PhysicalLine(n, t.encode(), len(t.encode()))
                    for n, t in enumerate(block.texts(), block.first)
                    if n in wanted
                ]
            )
            for line in lines:
                if line.number in wanted:
                    found[line.number] = (line_text(line), line_outcome(line, width)[1])
            if block.first + block.count > last:
                break
    return found
