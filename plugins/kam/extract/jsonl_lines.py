"""The JSONL parser: every physical line one JSON object, good or bad with a reason.

Values are kept as their source text (`1e3` stays `1e3`), so JSONL and CSV stage alike
(docs/decisions/0012).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from kam.contract import SourceObject
from kam.extract.arrow_staging import ChunkedTable
from kam.extract.errors import FileUnreadable
from kam.extract.physical_lines import (
    CONTROL_BYTES,
    UTF8_BOM,
    PhysicalLine,
    is_blank,
    line_problem,
    line_text,
    read_line_blocks,
)

# a string value may hold tab, LF and CR (written as escapes); other control characters are bad values
_VALUE_CONTROL_RE = re.compile("[" + re.escape(CONTROL_BYTES.replace(b"\n", b"").replace(b"\r", b"").decode()) + "]")


class _RepeatedKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return result


def _not_json(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")


_SCAN = json.JSONDecoder(
    object_pairs_hook=_unique_pairs, parse_int=str, parse_float=str, parse_constant=_not_json, strict=False
).scan_once
_JSON_WHITESPACE = " \t\r\n"
# JSON escapes that decode to a control character (other than tab, LF, CR); a hit only means "look closer"
_CONTROL_ESCAPES = ("\\u00", "\\u007", "\\b", "\\f")


def _decode(text: str) -> object:
    """One JSON value filling the whole text (surrounding whitespace allowed), else ValueError."""
    body = text.strip(_JSON_WHITESPACE)
    try:
        value, end = _SCAN(body, 0)
    except StopIteration as exc:
        raise ValueError("not JSON") from exc
    if end != len(body):
        raise ValueError("extra data after the JSON value")
    return value


def _value_problem(name: str, value: object) -> tuple[object, str | None]:
    """(the value as text, None) or (None, reason) for a value that is not a string or null."""
    if type(value) is bool:
        return ("true" if value else "false"), None
    if type(value) is dict:
        return None, f"{name}: JSON object where a value belongs"
    return None, f"{name}: JSON array where a value belongs"


def parse_json_line(text: str, names: list[str]) -> tuple[dict | None, list[str | None] | None, str | None]:
    """(the object, the contract values as text, None), or (object or None, None, reason)."""
    try:
        parsed = _decode(text)
    except _RepeatedKey as repeated:
        return None, None, f"JSON line repeats key '{repeated.key}'"
    except ValueError:  # json.JSONDecodeError included
        return None, None, "not a JSON object"
    if type(parsed) is not dict:
        return None, None, "not a JSON object"
    values = [parsed.get(name) for name in names]
    problems: list[str] = []
    for i, value in enumerate(values):
        if value is not None and type(value) is not str:  # numbers are already their text
            values[i], problem = _value_problem(names[i], value)
            if problem:
                problems.append(problem)
    if "\\" in text and any(escape in text for escape in _CONTROL_ESCAPES):
        for name, value in zip(names, values):
            if type(value) is str and (found := _VALUE_CONTROL_RE.search(value)):
                problems.append(f"{name}: control character 0x{ord(found.group()):02X} in value")
    if problems:
        return parsed, None, "; ".join(problems)
    return parsed, values, None


def _strict_json(text: str) -> bool:
    """Whether the line is valid strict JSON as it stands (a raw tab inside a string is not): raw kept as is."""
    if "\t" not in text:
        return True
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class _JsonlStaging:
    """Rows of one JSONL file being staged, and the keys seen (for the required-column check)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, names: list[str]):
        self.names = names
        self.table = ChunkedTable(
            con,
            "jsonl",
            [(f"c{i}", "text") for i in range(len(names))]
            + [("_line", "bigint"), ("_raw_text", "text"), ("_parse_reason", "text")],
        )
        self.blank_row = [None] * len(names)
        self.keys: set[str] = set()
        self.objects = 0

    def add_bad(self, number: int, text: str, reason: str) -> None:
        self.table.add((*self.blank_row, number, json.dumps(text, ensure_ascii=False), reason))

    def add_text(self, number: int, text: str) -> None:
        """A line without byte-level problems (blank lines skipped)."""
        if not text or (text[0] in " \t" and not text.strip(" \t")):
            return
        parsed, values, reason = parse_json_line(text, self.names)
        if parsed is None:
            self.add_bad(number, text, reason)
            return
        self.objects += 1
        self.keys.update(parsed)
        raw = text if _strict_json(text) else json.dumps(text, ensure_ascii=False)
        self.table.add((*(values or self.blank_row), number, raw, reason))

    def add_line(self, line: PhysicalLine) -> None:
        if line.number == 1 and line.content.startswith(UTF8_BOM):
            line = PhysicalLine(1, line.content[len(UTF8_BOM) :], line.length - len(UTF8_BOM))
        problem = line_problem(line)
        if problem is None and is_blank(line.content):
            return
        if problem:
            self.add_bad(line.number, line_text(line), problem)
        else:
            self.add_text(line.number, line.content.decode("utf-8"))


def parse_jsonl_file(con: duckdb.DuckDBPyConnection, obj: SourceObject, path: Path, label: str) -> ChunkedTable:
    """Temp table `c0..c<n-1>` (contract columns in order), `_line`, `_raw_text` (JSON text), `_parse_reason`
    (names validation does not use).

    Raises FileUnreadable when a required column is the key of no object in the file
    (checked only when at least one line is a JSON object).
    """
    staging = _JsonlStaging(con, obj.column_names)
    try:
        with open(path, "rb") as handle:
            for block in read_line_blocks(handle):
                if block.text is None:
                    for line in block.lines:
                        staging.add_line(line)
                    continue
                for number, text in enumerate(block.texts(), block.first):
                    staging.add_text(number, text.removeprefix("\ufeff") if number == 1 else text)
        staging.table.flush()
        missing = [name for name in obj.required_columns if name not in staging.keys]
        if staging.objects and missing:
            raise FileUnreadable(obj.name, label, f"required column '{missing[0]}' missing", column=missing[0])
    except BaseException:
        staging.table.drop()
        raise
    return staging.table
