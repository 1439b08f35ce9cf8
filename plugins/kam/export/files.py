"""Write the CSV files of the export, one per table, each value formatted once by its type (docs/decisions/0019).

Text that begins like a formula (kam.export.values.is_formula_like) is `'`-prefixed in the
CSVs (the workbook, `kam.export.workbook`, keeps it a plain string cell).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from kam.export.reading import ExportTable
from kam.export.values import csv_text


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_NEEDS_QUOTES = re.compile('[,"\r\n]')


def csv_field(text: str) -> str:
    """A CSV field, quoted (RFC 4180) when it holds a comma, a quote, a line feed or a carriage return.

    Python's csv writer leaves a lone CR unquoted when lines end in LF, and most
    readers end the record there; this quotes it.
    """
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


_NEVER_QUOTED = frozenset({type(None), bool, int, float, Decimal, date, datetime, time})  # their text has no , " CR LF


def _csv_line(row) -> str:
    return ",".join([csv_text(v) if type(v) in _NEVER_QUOTED else csv_field(csv_text(v)) for v in row]) + "\n"


def write_csv(path: Path, table: ExportTable) -> int:
    """The table as UTF-8 CSV with a header row, lines ending in LF; returns the data rows written."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(csv_field(c) for c in table.spec.columns) + "\n")
        handle.writelines(_csv_line(row) for row in table.rows)
    fsync_file(path)
    return len(table.rows)
