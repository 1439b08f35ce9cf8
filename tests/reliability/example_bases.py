"""Small clean base files cut from the worked example, one per source object, for the bad-input cases.

A base holds the first lines of the example's file for that object that are valid (not among the
example's expected quarantine rows) and whose key is unique, so that every good line of a mutated
file must show up in `raw` as exactly one row (`_row` = its physical line number).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import cache

from tests.reliability.deliveries import EXAMPLE

KEYS = {  # sources.md
    "orders": ("order_id",),
    "order_lines": ("order_id", "line_number"),
    "fx_rates": ("currency", "rate_date"),
    "accounts": ("account_id",),
    "contacts": ("contact_id",),
    "opportunities": ("opportunity_id",),
    "activities": ("activity_id",),
    "cases": ("case_id",),
    "surveys": ("survey_id",),
}
SYSTEM = {
    "orders": "erp",
    "order_lines": "erp",
    "fx_rates": "erp",
    "accounts": "crm",
    "contacts": "crm",
    "opportunities": "crm",
    "activities": "crm",
    "cases": "crm",
    "surveys": "crm",
}
EXAMPLE_FILE = {
    "orders": "erp/orders_part1.csv",
    "order_lines": "erp/order_lines_part1.csv",
    "fx_rates": "erp/fx_rates.csv",
    "accounts": "crm/accounts.csv",
    "contacts": "crm/contacts.csv",
    "activities": "crm/activities.csv",
    "opportunities": "crm/opportunities.jsonl",
    "cases": "crm/cases.jsonl",
    "surveys": "crm/surveys.jsonl",
}
BASE_LINES = {"orders": 120, "order_lines": 120}
DEFAULT_BASE_LINES = 40


@dataclass(frozen=True)
class BaseFile:
    """A clean base: header (CSV) or None (JSONL), data lines with their endings, column names."""

    object: str
    header: bytes | None
    lines: tuple[bytes, ...]

    @property
    def is_jsonl(self) -> bool:
        return self.header is None

    @property
    def file_name(self) -> str:
        return f"{self.object}.{'jsonl' if self.is_jsonl else 'csv'}"

    @property
    def columns(self) -> list[str]:
        return next(csv.reader(io.StringIO(self.header.decode("utf-8")))) if self.header else []

    def content(self) -> bytes:
        return (self.header or b"") + b"".join(self.lines)


def _expected_bad_rows() -> set[tuple[str, int]]:
    path = EXAMPLE / "expected" / "expected_quarantine_rows.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        return {(row["file"], int(row["row"])) for row in csv.DictReader(handle)}


def _key_of(obj: str, line: bytes, columns: list[str]) -> tuple:
    if not columns:
        record = json.loads(line)
        return tuple(str(record.get(k)).strip() for k in KEYS[obj])
    fields = next(csv.reader(io.StringIO(line.decode("utf-8"))))
    return tuple(fields[columns.index(k)].strip() for k in KEYS[obj])


@cache
def base_file(obj: str) -> BaseFile:
    relpath = EXAMPLE_FILE[obj]
    physical = (EXAMPLE / "src" / relpath).read_bytes().splitlines(keepends=True)
    jsonl = relpath.endswith(".jsonl")
    header = None if jsonl else physical[0]
    first_line_number = 1 if jsonl else 2
    columns = BaseFile(obj, header, ()).columns
    bad, seen, lines = _expected_bad_rows(), set(), []
    for number, line in enumerate(physical[first_line_number - 1 :], start=first_line_number):
        if not line.strip() or (relpath, number) in bad:
            continue
        key = _key_of(obj, line, columns)
        if key in seen or any(not k or k == "None" for k in key):
            continue
        seen.add(key)
        lines.append(line if line.endswith(b"\n") else line + b"\n")
        if len(lines) == BASE_LINES.get(obj, DEFAULT_BASE_LINES):
            break
    return BaseFile(obj, header, tuple(lines))


def objects_of_system(system: str) -> list[str]:
    return [o for o, s in SYSTEM.items() if s == system]
