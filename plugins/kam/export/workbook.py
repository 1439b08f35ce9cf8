"""The workbook `kam_segments_<D>.xlsx`: About, one sheet per exported table, Charts; streamed, reproducible.

Each table's sheet is an Excel table (filters) under a frozen header of readable names
(`kam.export.column_labels`), its columns sized and number-formatted (`kam.export.column_formats`),
the status columns coloured (`kam.export.conditional_formats`). openpyxl's write-only workbook
writes everything but the data rows (styles, tables, conditional formats, charts, the About and
Charts sheets); the data rows are streamed as XML by `kam.export.sheet_xml` into a scratch file per
sheet and spliced in by `kam.export.workbook_archive`, so memory does not grow with the rows
(docs/decisions/0023). The same tables, night and docs give the same bytes (docs/decisions/0015).
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from kam.dbt_docs import ModelDocs
from kam.export.about_sheet import Night, write_about_sheet
from kam.export.column_formats import number_format, shown_width
from kam.export.column_labels import column_labels
from kam.export.conditional_formats import status_rules
from kam.export.excel_tables import add_table, header_cell
from kam.export.files import fsync_file
from kam.export.reading import ExportTable
from kam.export.sheet_xml import SheetRows
from kam.export.workbook_archive import save_reproducible
from kam.export.workbook_charts import chart_data, write_charts_sheet

MAX_COLUMN_WIDTH = 60
FILTER_BUTTON = 3  # characters a header's filter button covers


def _first_values(table: ExportTable) -> list:
    """The first non-null value of each column (None for a column of nulls)."""
    count = len(table.spec.columns)
    return [next((row[i] for row in table.rows if row[i] is not None), None) for i in range(count)]


def _style_id(sheet, fmt: str | None) -> int | None:
    if fmt is None:
        return None
    cell = WriteOnlyCell(sheet)
    cell.number_format = fmt
    return cell.style_id


def _write_data_sheet(workbook, table: ExportTable, scratch: Path) -> None:
    """The sheet of one table; its data rows go to `scratch` (`<row>` elements)."""
    sheet = workbook.create_sheet(title=table.spec.table)
    columns = table.spec.columns
    labels = column_labels(columns)
    formats = [number_format(name, first) for name, first in zip(columns, _first_values(table))]
    for i, (label, fmt) in enumerate(zip(labels, formats), start=1):
        column = (row[i - 1] for row in table.rows)  # column by column: no copy of the rows
        width = max(len(label) + FILTER_BUTTON, shown_width(fmt, column)) + 2
        sheet.column_dimensions[get_column_letter(i)].width = min(width, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "1:1"
    add_table(sheet, table.spec.table, labels, top=1, rows=len(table.rows))
    if table.rows:
        for i, name in enumerate(columns, start=1):
            letter = get_column_letter(i)
            for rule in status_rules(name):
                sheet.conditional_formatting.add(f"{letter}2:{letter}{len(table.rows) + 1}", rule)
    sheet.append([header_cell(sheet, label) for label in labels])
    styles = [_style_id(sheet, fmt) for fmt in formats]
    with open(scratch, "w", encoding="utf-8", newline="") as out:
        rows = SheetRows(sheet, len(columns), out, styles)
        for row in table.rows:
            rows.write(row)


def write_workbook(
    path: Path, tables: list[ExportTable], *, created: datetime, night: Night, docs: dict[str, ModelDocs]
) -> dict[str, int]:
    """About, one sheet per table (named like it), Charts; returns the data rows per table sheet.

    `created`: the creation (and modification) time in the properties; `night`: the as-of date and
    run the About sheet names; `docs`: the dbt docs of the tables (`kam.dbt_docs.published_docs`).
    """
    workbook = Workbook(write_only=True)
    charts = chart_data(tables)
    write_about_sheet(workbook, night, tables, docs, charts=charts is not None)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".sheet_rows.") as scratch:
        sheet_rows: list[Path | None] = [None]  # About
        for i, table in enumerate(tables, start=2):
            sheet_rows.append(Path(scratch) / f"sheet{i}.xml")
            _write_data_sheet(workbook, table, sheet_rows[-1])
        if charts is not None:
            write_charts_sheet(workbook, charts)
        save_reproducible(workbook, path, created, sheet_rows)
    fsync_file(path)
    return {table.spec.table: len(table.rows) for table in tables}
