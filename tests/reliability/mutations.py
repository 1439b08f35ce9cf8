"""Small edits of a base file (bytes in, bytes out) that the bad-input catalogue is built from.

Line numbers are physical line numbers of the resulting file: for a CSV the header is line 1,
for JSONL the first record is line 1 (the numbering of quarantine `row_number` and raw `_row`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from tests.reliability.example_bases import BaseFile

Mutation = Callable[[BaseFile], bytes]


def _index(base: BaseFile, line: int) -> int:
    """Index into base.lines of physical line `line` (negative: from the end)."""
    if line < 0:
        return len(base.lines) + line
    return line - (1 if base.is_jsonl else 2)


def last_line(base: BaseFile) -> int:
    return len(base.lines) + (0 if base.is_jsonl else 1)


def _ending(line: bytes) -> bytes:
    return b"\r\n" if line.endswith(b"\r\n") else b"\n"


def _csv_line(fields: list[str], ending: bytes) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=ending.decode()).writerow(fields)
    return out.getvalue().encode("utf-8")


def _fields(line: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(line.decode("utf-8"))))


def edit_line(line: int, edit: Callable[[bytes], bytes]) -> Mutation:
    """Replace physical line `line` by edit(its bytes without the line ending) + its ending."""

    def mutate(base: BaseFile) -> bytes:
        lines = list(base.lines)
        i = _index(base, line)
        ending = _ending(lines[i])
        lines[i] = edit(lines[i][: -len(ending)]) + ending
        return (base.header or b"") + b"".join(lines)

    return mutate


def set_field(line: int, column: str, value: str) -> Mutation:
    """Set one CSV field (written with minimal quoting) or one JSONL member to `value`."""

    def edit_csv(text: bytes, base: BaseFile) -> bytes:
        fields = _fields(text + b"\n")
        fields[base.columns.index(column)] = value
        return _csv_line(fields, b"")

    def mutate(base: BaseFile) -> bytes:
        if base.is_jsonl:
            return set_member(line, column, value)(base)
        return edit_line(line, lambda text: edit_csv(text, base))(base)

    return mutate


def set_member(line: int, member: str, value) -> Mutation:
    """Set one member of a JSONL record to a JSON value (any Python value json can write)."""

    def edit(text: bytes) -> bytes:
        record = json.loads(text)
        record[member] = value
        return json.dumps(record, ensure_ascii=False).encode("utf-8")

    return edit_line(line, edit)


def drop_member(line: int, member: str) -> Mutation:
    def edit(text: bytes) -> bytes:
        record = json.loads(text)
        del record[member]
        return json.dumps(record, ensure_ascii=False).encode("utf-8")

    return edit_line(line, edit)


def replace_in_field(line: int, column: str, new_bytes: bytes) -> Mutation:
    """Replace a CSV field's text by raw bytes (which need not be UTF-8), unquoted."""

    def mutate(base: BaseFile) -> bytes:
        lines = list(base.lines)
        i = _index(base, line)
        ending = _ending(lines[i])
        fields = [f.encode("utf-8") for f in _fields(lines[i])]
        fields[base.columns.index(column)] = new_bytes
        lines[i] = b",".join(b'"%s"' % f if b"," in f else f for f in fields) + ending
        return (base.header or b"") + b"".join(lines)

    return mutate


def jsonl_string_bytes(line: int, member: str, new_bytes: bytes) -> Mutation:
    """Replace a JSONL string member's content by raw bytes (not escaped, may be invalid UTF-8)."""

    def edit(text: bytes) -> bytes:
        record = json.loads(text)
        record[member] = "\u0000PLACEHOLDER\u0000"
        encoded = json.dumps(record, ensure_ascii=False).encode("utf-8")
        return encoded.replace(b"\\u0000PLACEHOLDER\\u0000", new_bytes)

    return edit_line(line, edit)


def set_key_literal(line: int, member: str, literal: bytes) -> Mutation:
    """Write a JSONL member's value as a raw JSON literal (`1e3`, `517`), keeping the other members."""

    def edit(text: bytes) -> bytes:
        record = json.loads(text)
        record[member] = "\u0000LITERAL\u0000"
        return json.dumps(record, ensure_ascii=False).encode("utf-8").replace(b'"\\u0000LITERAL\\u0000"', literal)

    return edit_line(line, edit)


def whole(transform: Callable[[bytes], bytes]) -> Mutation:
    return lambda base: transform(base.content())


def lines_of(transform: Callable[[BaseFile], bytes]) -> Mutation:
    return transform


def with_header(header: bytes) -> Mutation:
    return lambda base: header + b"".join(base.lines)


def drop_column(column: str) -> Mutation:
    def mutate(base: BaseFile) -> bytes:
        index = base.columns.index(column)
        rows = [base.header, *base.lines]
        out = []
        for row in rows:
            fields = _fields(row)
            del fields[index]
            out.append(_csv_line(fields, _ending(row)))
        return b"".join(out)

    return mutate


def add_column(name: str, value: str) -> Mutation:
    def mutate(base: BaseFile) -> bytes:
        out = [_csv_line(_fields(base.header) + [name], _ending(base.header))]
        out += [_csv_line(_fields(row) + [value], _ending(row)) for row in base.lines]
        return b"".join(out)

    return mutate


def reverse_columns(base: BaseFile) -> bytes:
    return b"".join(_csv_line(list(reversed(_fields(row))), _ending(row)) for row in [base.header, *base.lines])


def quote_every_field(base: BaseFile) -> bytes:
    out = []
    for row in [base.header, *base.lines]:
        stream = io.StringIO()
        csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator=_ending(row).decode()).writerow(_fields(row))
        out.append(stream.getvalue().encode("utf-8"))
    return b"".join(out)


def endings(style: str) -> Mutation:
    """'crlf': every line CRLF; 'lf': every line LF; 'mixed': odd lines CRLF, even LF."""

    def mutate(base: BaseFile) -> bytes:
        rows = [r.rstrip(b"\r\n") for r in ([base.header] if base.header else []) + list(base.lines)]
        if style in ("crlf", "lf"):
            return b"".join(r + (b"\r\n" if style == "crlf" else b"\n") for r in rows)
        return b"".join(r + (b"\r\n" if i % 2 else b"\n") for i, r in enumerate(rows))

    return mutate


def insert_blank_lines(after_line: int, count: int = 1, at_end: int = 0) -> Mutation:
    def mutate(base: BaseFile) -> bytes:
        lines = list(base.lines)
        i = _index(base, after_line) + 1
        lines[i:i] = [b"\n"] * count
        lines += [b"\n"] * at_end
        return (base.header or b"") + b"".join(lines)

    return mutate


def duplicate_line_with(line: int, column: str, value: str) -> Mutation:
    """Append a copy of `line` with one field changed (a second version of the same key)."""

    def mutate(base: BaseFile) -> bytes:
        fields = _fields(base.lines[_index(base, line)])
        fields[base.columns.index(column)] = value
        return base.content() + _csv_line(fields, b"\n")

    return mutate


def append_raw(text: bytes) -> Mutation:
    return lambda base: base.content() + text


def chain(*mutations: Mutation) -> Mutation:
    """Apply mutations in order, each to the result of the previous one (re-read as a base)."""

    def mutate(base: BaseFile) -> bytes:
        current = base
        for m in mutations:
            data = m(current)
            physical = data.splitlines(keepends=True)
            header = None if current.is_jsonl else physical[0]
            current = BaseFile(current.object, header, tuple(physical if current.is_jsonl else physical[1:]))
        return current.content()

    return mutate
