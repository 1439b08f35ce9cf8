"""Write the export files: one CSV per table, and the workbook with one sheet per table.

Text that begins like a formula (kam.export.values.is_formula_like) is `'`-prefixed
in the CSVs and a plain string cell, unchanged, in the workbook. The workbook is
reproducible: the same rows and `created` moment give the same bytes
(kam.export.workbook_archive). One pass per file over the rows, each value formatted once
by its type; the sheets' rows are written as XML by `kam.export.sheet_xml`, openpyxl writes
the rest of the workbook (docs/decisions/0019).
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kam.export.reading import ExportTable
from kam.export.sheet_xml import SheetRows
from kam.export.values import csv_text
from kam.export.workbook_archive import save_reproducible

MAX_COLUMN_WIDTH = 60


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


def _write_sheet_rows(sheet, table: ExportTable, out) -> list[float]:
    """The table's rows as sheet XML into `out`; returns the column widths (the longest CSV text + 2, at most 60)."""
    rows = SheetRows(sheet, len(table.spec.columns), out)
    for row in table.rows:
        rows.write(row)
    columns = zip(*table.rows) if table.rows else [()] * len(table.spec.columns)
    widths = [
        max(len(name), max(map(len, map(csv_text, values)), default=0))
        for name, values in zip(table.spec.columns, columns)
    ]
    return [min(w + 2, MAX_COLUMN_WIDTH) for w in widths]


def write_workbook(path: Path, tables: list[ExportTable], created: datetime) -> dict[str, int]:
    """One sheet per table (named like it), header frozen, columns sized; returns rows per sheet.

    `created` is the workbook's creation (and modification) time in its properties.
    """
    workbook = Workbook(write_only=True)
    rows = {}
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".sheet_rows.") as scratch:
        sheet_rows = []
        for i, table in enumerate(tables, start=1):
            sheet = workbook.create_sheet(title=table.spec.table)
            sheet_rows.append(Path(scratch) / f"sheet{i}.xml")
            with open(sheet_rows[-1], "w", encoding="utf-8", newline="") as out:
                widths = _write_sheet_rows(sheet, table, out)
            sheet.freeze_panes = "A2"
            for column, width in enumerate(widths, start=1):
                sheet.column_dimensions[get_column_letter(column)].width = width
            sheet.append(list(table.spec.columns))
            rows[table.spec.table] = len(table.rows)
        save_reproducible(workbook, path, created, sheet_rows)
    fsync_file(path)
    return rows
