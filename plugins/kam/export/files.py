"""Write the export files: one CSV per table, and the workbook with one sheet per table.

Text that begins like a formula (kam.export.values.is_formula_like) is `'`-prefixed
in the CSVs and a plain string cell, unchanged, in the workbook. The workbook is
reproducible: the same rows and `created` moment give the same bytes
(kam.export.workbook_archive).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from kam.export.reading import ExportTable
from kam.export.values import csv_text, excel_value, is_formula_like
from kam.export.workbook_archive import save_reproducible

MAX_COLUMN_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def csv_field(text: str) -> str:
    """A CSV field, quoted (RFC 4180) when it holds a comma, a quote, a line feed or a carriage return.

    Python's csv writer leaves a lone CR unquoted when lines end in LF, and most
    readers end the record there; this quotes it.
    """
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(path: Path, table: ExportTable) -> int:
    """The table as UTF-8 CSV with a header row, lines ending in LF; returns the data rows written."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(csv_field(c) for c in table.spec.columns) + "\n")
        for row in table.rows:
            handle.write(",".join(csv_field(csv_text(v)) for v in row) + "\n")
    fsync_file(path)
    return len(table.rows)


def _column_widths(table: ExportTable) -> list[float]:
    widths = [len(c) for c in table.spec.columns]
    for row in table.rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(csv_text(value)))
    return [min(w + 2, MAX_COLUMN_WIDTH) for w in widths]


def _cell(sheet, value):
    value = excel_value(value)
    if is_formula_like(value):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # text, never a formula
        return cell
    return value


def write_workbook(path: Path, tables: list[ExportTable], created: datetime) -> dict[str, int]:
    """One sheet per table (named like it), header frozen, columns sized; returns rows per sheet.

    `created` is the workbook's creation (and modification) time in its properties.
    """
    workbook = Workbook(write_only=True)
    rows = {}
    for table in tables:
        sheet = workbook.create_sheet(title=table.spec.table)
        sheet.freeze_panes = "A2"
        for i, width in enumerate(_column_widths(table), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.append(list(table.spec.columns))
        for row in table.rows:
            sheet.append([_cell(sheet, v) for v in row])
        rows[table.spec.table] = len(table.rows)
    save_reproducible(workbook, path, created)
    fsync_file(path)
    return rows
