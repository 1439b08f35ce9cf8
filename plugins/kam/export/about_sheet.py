"""The first sheet of the workbook, "About": the night it shows, and what each sheet and column means.

The as-of date and the run; a table of the sheets (rows, what each is for) and a table of every
column (its header, what it means, its name in the CSV). The meanings are the dbt docs of the
published tables (`kam.dbt_docs`, the one place they are written); without a dbt manifest the
sheet says so and the meanings are empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.table import TableStyleInfo

from kam.dbt_docs import ModelDocs
from kam.export.column_formats import DATE, INTEGER
from kam.export.column_labels import column_labels
from kam.export.excel_tables import add_table, header_cell
from kam.export.reading import ExportTable

SHEET = "About"
TITLE = "Key-account segments"
WIDTHS = {"A": 20, "B": 30, "C": 80, "D": 28}
TEXT_WIDTH = 92  # characters of a line of column C's wrapped text (near enough for the row heights)
LINE_HEIGHT = 15
TOP_SHEETS = 7  # the header row of the table of sheets
TOP_WRAPPED = Alignment(wrap_text=True, vertical="top", horizontal="left")
TOP_LEFT = Alignment(vertical="top", horizontal="left")
NO_DOCS = "not available: no dbt manifest.json was found under KAM_HOME (the meanings come from the dbt docs)"
SHEETS_HEADER = ("Sheet", "Rows", "What it is for")
COLUMNS_HEADER = ("Sheet", "Column", "What it means", "Column in the CSV")
ABOUT_PURPOSE = "This sheet: the night the workbook shows, and what each sheet and column means."
CHARTS_PURPOSE = "The Pareto curve of revenue and the ABC-XYZ matrix as charts, with the data they show."
TABLE_STYLE = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)


@dataclass(frozen=True)
class Night:
    """The night a workbook shows."""

    as_of: date
    run_id: str


def plain(text: str) -> str:
    """A dbt description as one paragraph of plain text (lines joined, Markdown code quotes dropped)."""
    return " ".join(text.replace("`", "").split())


def _cell(sheet, value, *, bold=False, fmt=None, size=None, wrap=True):
    """A cell at the top of its row, left-aligned, text wrapped (`wrap`)."""
    cell = WriteOnlyCell(sheet, value)
    cell.alignment = TOP_WRAPPED if wrap else TOP_LEFT
    if bold or size:
        cell.font = Font(name="Calibri", bold=bold, size=size)
    if fmt:
        cell.number_format = fmt
    return cell


def _lines(text: str) -> int:
    return max(1, math.ceil(len(text) / TEXT_WIDTH))


def about_rows(tables: list[ExportTable], docs: dict[str, ModelDocs], chart_sheet: bool):
    """(sheet rows, column rows) of the About sheet: plain values, descriptions as plain text."""
    sheets = [(SHEET, None, ABOUT_PURPOSE)]
    columns = []
    for table in tables:
        model = docs.get(table.spec.table)
        sheets.append((table.spec.table, len(table.rows), plain(model.description) if model else ""))
        for name, label in zip(table.spec.columns, column_labels(table.spec.columns)):
            meaning = plain(model.columns.get(name, "")) if model else ""
            columns.append((table.spec.table, label, meaning, name))
    if chart_sheet:
        sheets.append(("Charts", None, CHARTS_PURPOSE))
    return sheets, columns


def write_about_sheet(workbook, night: Night, tables: list[ExportTable], docs: dict[str, ModelDocs], *, charts: bool):
    """Add the sheet `About` (the first) to the write-only `workbook`."""
    sheet = workbook.create_sheet(title=SHEET)
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheets, columns = about_rows(tables, docs, charts)
    top_columns = TOP_SHEETS + len(sheets) + 2
    for number, text in [(TOP_SHEETS + i, r[2]) for i, r in enumerate(sheets, 1)] + [
        (top_columns + i, r[2]) for i, r in enumerate(columns, 1)
    ]:
        sheet.row_dimensions[number].height = LINE_HEIGHT * _lines(text)
    add_table(sheet, "about_sheets", list(SHEETS_HEADER), top=TOP_SHEETS, rows=len(sheets), style=TABLE_STYLE)
    add_table(sheet, "about_columns", list(COLUMNS_HEADER), top=top_columns, rows=len(columns), style=TABLE_STYLE)
    meanings = "the dbt docs of the published tables" if docs else NO_DOCS
    heading = [
        (f"{TITLE} as of {night.as_of.isoformat()}",),
        ("As-of date", night.as_of),
        ("Run", night.run_id),
        ("Column meanings", meanings),
        ("Data", "one sheet per exported table, the same rows as its CSV"),
    ]
    heading = [
        [_cell(sheet, row[0], bold=True, size=14 if i == 0 else None, wrap=False)]
        + [_cell(sheet, value, fmt=DATE if isinstance(value, date) else None, wrap=False) for value in row[1:]]
        for i, row in enumerate(heading)
    ]
    heading += [[]] * (TOP_SHEETS - 1 - len(heading))
    for row in heading:
        sheet.append(row)
    sheet.append([header_cell(sheet, title) for title in SHEETS_HEADER])
    for name, rows, purpose in sheets:
        sheet.append([_cell(sheet, name), _cell(sheet, rows, fmt=INTEGER), _cell(sheet, purpose)])
    sheet.append([])
    sheet.append([header_cell(sheet, title) for title in COLUMNS_HEADER])
    for name, label, meaning, column in columns:
        sheet.append([_cell(sheet, name), _cell(sheet, label), _cell(sheet, meaning), _cell(sheet, column)])
