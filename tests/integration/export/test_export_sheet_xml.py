"""The workbook's rows, written as XML by kam.export.sheet_xml, are the bytes openpyxl writes for the same values.

The reference is openpyxl's own write-only path (what `write_workbook` did before docs/decisions/0019):
each value through `excel_value`, formula-like text as a string cell.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zipfile import ZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from kam.export.files import write_workbook
from kam.export.reading import ExportTable
from kam.export.values import excel_value, is_formula_like
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


def _openpyxl_workbook(path, tables):
    """The workbook as openpyxl writes it from the values (columns sized as write_workbook sizes them)."""
    workbook = Workbook(write_only=True)
    for table, widths in tables:
        sheet = workbook.create_sheet(title=table.spec.table)
        sheet.freeze_panes = "A2"
        for letter, width in widths.items():
            sheet.column_dimensions[letter].width = width
        sheet.append(list(table.spec.columns))
        for row in table.rows:
            cells = []
            for value in row:
                value = excel_value(value)
                if is_formula_like(value):
                    value = WriteOnlyCell(sheet, value)
                    value.data_type = "s"
                cells.append(value)
            sheet.append(cells)
    save_reproducible(workbook, path, CREATED)


def _table(name, rows):
    columns = tuple(f"col_{i}" for i in range(len(rows[0])))
    return ExportTable(ExportSpec(name, columns, ((columns[0], False),), True), rows)


def _sheets(path) -> dict[str, bytes]:
    with ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_every_kind_of_value_is_written_as_openpyxl_writes_it(tmp_path):
    tables = [_table("tricky", TRICKY_ROWS), _table("dates_first", [TRICKY_ROWS[5], TRICKY_ROWS[4]])]
    ours = tmp_path / "ours.xlsx"
    write_workbook(ours, tables, created=CREATED)
    widths = [{letter: d.width for letter, d in sheet.column_dimensions.items()} for sheet in load_workbook(ours)]
    reference = tmp_path / "openpyxl.xlsx"
    _openpyxl_workbook(reference, list(zip(tables, widths)))

    assert _sheets(ours) == _sheets(reference)
    assert hashlib.sha256(ours.read_bytes()).hexdigest() == hashlib.sha256(reference.read_bytes()).hexdigest()


def test_an_empty_table_is_a_header_row_only(tmp_path):
    table = ExportTable(ExportSpec("empty", ("a", "b"), (("a", False),), True), [])
    write_workbook(tmp_path / "w.xlsx", [table], created=CREATED)
    sheet = _sheets(tmp_path / "w.xlsx")["xl/worksheets/sheet1.xml"].decode()
    assert '<sheetData><row r="1">' in sheet and '<row r="2"' not in sheet
