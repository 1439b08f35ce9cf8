"""Write the export files: one CSV per table, and the workbook with one sheet per table."""
from __future__ import annotations

import csv
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from kam.export.reading import ExportTable
from kam.export.values import csv_text, excel_value

MAX_COLUMN_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_csv(path: Path, table: ExportTable) -> int:
    """The table as UTF-8 CSV with a header row; returns the data rows written."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(table.spec.columns)
        writer.writerows([csv_text(v) for v in row] for row in table.rows)
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
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # text, never a formula
        return cell
    return value


def write_workbook(path: Path, tables: list[ExportTable]) -> dict[str, int]:
    """One sheet per table (named like it), header frozen, columns sized; returns rows per sheet."""
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
    workbook.save(path)
    fsync_file(path)
    return rows
