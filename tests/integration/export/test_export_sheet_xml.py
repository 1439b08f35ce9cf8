"""The workbook's rows, written as XML by kam.export.sheet_xml, are the bytes openpyxl writes for the same values.

The reference is openpyxl's own write-only path (what `write_workbook` did before docs/decisions/0019):
each value through `excel_value`, formula-like text as a string cell, a formatted column's cells
styled with its number format (docs/decisions/0023).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zipfile import ZipFile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from kam.export.about_sheet import Night
from kam.export.reading import ExportTable
from kam.export.sheet_xml import SheetRows
from kam.export.values import excel_value, is_formula_like
from kam.export.workbook import write_workbook
from kam.export.workbook_archive import save_reproducible
from kam.publish.exposures import ExportSpec

CREATED = datetime(2026, 10, 15)
TRICKY_ROWS = [
    ("plain", "a & b < c > d", " leading", "trailing ", "   ", "", "#N/A", "=1+1", "-5", "@x"),
    ("\tx", "line\nbreak", "cr\rinside", "bell\x07", "x" * 40000, 'Müller, "Söhne"', None, "+1", "'", "#REF!"),
    (True, False, 0, -42, 2**60, 0.1, 1e-20, -0.0, float("nan"), float("inf")),
    (Decimal("9527.20"), Decimal("-0.01"), Decimal("0"), 1 / 3, 2.5e16, 46.0, None, None, None, -1e300),
    (date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(2026, 10, 15), None, None, None, None, None, None),
    (
        datetime(2026, 10, 15, 23, 30),
        datetime(2026, 10, 15, 23, 30, tzinfo=timezone(timedelta(hours=-2))),
        time(12, 30, 15),
        date(2026, 1, 2),
        "mixed",
        7,
        None,
        True,
        None,
        "end",
    ),
]


#: number formats of the tricky columns (None: General), as kam.export.column_formats gives them
FORMATS = [None, "0.00%", None, "yyyy-mm-dd", None, '#,##0.00 "€";[Red]-#,##0.00 "€"', "#,##0", None, None, None]


def _style_ids(sheet, formats):
    """Register each column's style (openpyxl's style id of a cell with its format) in column order."""
    ids = []
    for fmt in formats:
        if fmt is None:
            ids.append(None)
            continue
        cell = WriteOnlyCell(sheet)
        cell.number_format = fmt
        ids.append(cell.style_id)
    return ids


def _workbook(path, tables, formats, ours: bool):
    """The sheets' rows written by SheetRows (`ours`) or appended to openpyxl's write-only sheets."""
    workbook = Workbook(write_only=True)
    scratch = []
    for table in tables:
        sheet = workbook.create_sheet(title=table.spec.table)
        styles = _style_ids(sheet, formats)
        sheet.append(list(table.spec.columns))
        if ours:
            scratch.append(path.with_name(f"{path.stem}_{table.spec.table}.xml"))
            with open(scratch[-1], "w", encoding="utf-8", newline="") as out:
                rows = SheetRows(sheet, len(table.spec.columns), out, styles)
                for row in table.rows:
                    rows.write(row)
            continue
        for row in table.rows:
            cells = []
            for value, fmt in zip(row, formats):
                value = excel_value(value)
                if value is not None and (fmt or is_formula_like(value)):
                    value = WriteOnlyCell(sheet, value)
                    if fmt:
                        value.number_format = fmt
                    if is_formula_like(value.value):
                        value.data_type = "s"
                cells.append(value)
            sheet.append(cells)
    save_reproducible(workbook, path, CREATED, scratch)


def _table(name, rows):
    columns = tuple(f"col_{i}" for i in range(len(rows[0])))
    return ExportTable(ExportSpec(name, columns, ((columns[0], False),), True), rows)


def _sheets(path) -> dict[str, bytes]:
    with ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("formats", [[None] * 10, FORMATS], ids=["general", "formatted"])
def test_every_kind_of_value_is_written_as_openpyxl_writes_it(tmp_path, formats):
    tables = [_table("tricky", TRICKY_ROWS), _table("dates_first", [TRICKY_ROWS[5], TRICKY_ROWS[4]])]
    ours, reference = tmp_path / "ours.xlsx", tmp_path / "openpyxl.xlsx"
    _workbook(ours, tables, formats, ours=True)
    _workbook(reference, tables, formats, ours=False)

    assert _sheets(ours) == _sheets(reference)
    assert hashlib.sha256(ours.read_bytes()).hexdigest() == hashlib.sha256(reference.read_bytes()).hexdigest()
    if formats == FORMATS:  # the formats did reach the cells
        sheet = load_workbook(ours)["tricky"]
        assert [(sheet[ref].value, sheet[ref].number_format) for ref in ("A4", "B4", "F5", "G4", "D6")] == [
            (True, "General"),
            (False, "0.00%"),
            (46, '#,##0.00 "€";[Red]-#,##0.00 "€"'),
            (1e-20, "#,##0"),
            (datetime(2026, 10, 15), "yyyy-mm-dd"),
        ]


def test_an_empty_table_is_a_header_row_only_in_a_table_of_one_empty_row(tmp_path):
    table = ExportTable(ExportSpec("empty", ("a", "b"), (("a", False),), True), [])
    write_workbook(tmp_path / "w.xlsx", [table], created=CREATED, night=Night(date(2026, 10, 15), "r"), docs={})
    parts = _sheets(tmp_path / "w.xlsx")
    sheet = parts["xl/worksheets/sheet2.xml"].decode()
    assert '<sheetData><row r="1">' in sheet and '<row r="2"' not in sheet
    assert load_workbook(tmp_path / "w.xlsx")["empty"].tables["empty"].ref == "A1:B2"
