"""Excel tables (ListObjects: a header with filter buttons over a range) on openpyxl's write-only sheets.

A write-only sheet cannot read its header back, so each table names its columns itself; a table
needs a data row, so one without rows covers one empty row. The header cells are styled too.
"""

from __future__ import annotations

import warnings

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

DATA_STYLE = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")  # openpyxl's default font, named
HEADER_FILL = PatternFill(fill_type="solid", start_color="4472C4", end_color="4472C4")  # TableStyleMedium2's header


def header_cell(sheet, title: str) -> WriteOnlyCell:
    """A table's header cell, styled as the table style's header for readers that do not draw table
    styles (LibreOffice 7.4)."""
    cell = WriteOnlyCell(sheet, title)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    return cell


def add_table(sheet, name: str, header: list[str], *, top: int, rows: int, style: TableStyleInfo = DATA_STYLE):
    """Add the table `name` with `header` in row `top` and `rows` data rows below, filters on, to `sheet`."""
    ref = f"A{top}:{get_column_letter(len(header))}{top + max(rows, 1)}"
    table = Table(
        displayName=name,
        ref=ref,
        autoFilter=AutoFilter(ref=ref),
        tableColumns=[TableColumn(id=i, name=title) for i, title in enumerate(header, 1)],
        tableStyleInfo=style,
    )
    with warnings.catch_warnings():  # openpyxl warns on every write-only table; its columns are given here
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns manually")
        sheet.add_table(table)
