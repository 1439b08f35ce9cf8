"""export_run: CSV format, workbook sheets equal to the CSVs (headers readable), manifest shape, hashes and counts."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from kam.export.column_labels import column_labels
from kam.publish.exposures import export_specs
from kam.warehouse.reporting_db import open_reporting_db

CSV_FILES = [
    "customer_segments.csv",
    "key_accounts.csv",
    "win_back_list.csv",
    "segment_changes.csv",
    "kam_workload.csv",
]
WORKBOOK = "kam_segments_2026-10-02.xlsx"
RUN_REPORT = "kam_run_report_2026-10-02.html"  # kam.report: the night's charts
TABLE_SHEETS = [
    "customer_segments",
    "key_accounts",
    "win_back_list",
    "segment_changes",
    "kam_workload",
    "abc_xyz_matrix",
]
SHEETS = ["About", *TABLE_SHEETS, "Charts"]


def _csv_rows(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_the_folder_holds_exactly_the_declared_files(exported):
    assert exported.name == "2026-10-02"
    assert sorted(p.name for p in exported.iterdir()) == sorted(CSV_FILES + [WORKBOOK, RUN_REPORT, "manifest.json"])
    assert [p.name for p in exported.parent.iterdir()] == ["2026-10-02"]  # no temp folder left


def test_csv_format_utf8_iso_dates_dot_decimals_true_false_empty_null(exported):
    raw = (exported / "win_back_list.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8") == (
        "customer_id,customer_name,account_manager,lapse_status,last_order_date,days_since_last_order,"
        "value_at_stake,winback_priority,was_key_account,failures_before_loss,top_failure_area_before_loss\n"
        "C0007,Kunde 7,Manager 1,lapsed,2026-09-25,7,300.00,A,false,1,delivery\n"
        "C0001,Kunde 1,Manager 1,lapsed,2026-10-01,1,100.00,A,false,1,delivery\n"
        'C0004,"Kunde 4, Müller & ""Söhne""",Manager 1,lapsed,2026-09-28,4,0.00,,true,1,\n'
    )
    rows = _csv_rows(exported / "customer_segments.csv")
    header, first, fifth = rows[0], dict(zip(rows[0], rows[1])), dict(zip(rows[0], rows[5]))
    assert header == list(export_specs()[0].columns)
    assert first["customer_id"] == "C0001" and first["as_of_date"] == "2026-10-02"
    assert first["revenue_12m"] == "1001.50" and first["gross_margin_12m"] == "-399.90"
    assert first["margin_share"] == "0.0000001"  # never exponent notation
    assert first["purchase_frequency"] == "0.08333333333333333"  # 16 significant digits
    assert first["is_deleted"] == "false" and first["is_loss_making"] == "true"
    assert first["abc_revenue"] == "B" and first["key_account_score"] == "34.3"
    assert fifth["customer_id"] == "C0005" and fifth["margin_coverage"] == ""  # null
    assert fifth["typical_interval_days"] == "5.5"


def test_rows_are_ordered_as_declared(exported, published):
    ids = [r[0] for r in _csv_rows(exported / "customer_segments.csv")[1:]]
    assert ids == sorted(ids) and len(ids) == 7
    workload = [r[0] for r in _csv_rows(exported / "kam_workload.csv")[1:]]
    assert workload == ["Manager 1", "Manager 2", "unassigned"]


def _equal(cell, text: str) -> bool:
    """A workbook cell against its CSV field, with the cell's own type."""
    if cell is None:
        return text == ""
    if isinstance(cell, bool):
        return text == ("true" if cell else "false")
    if isinstance(cell, datetime):
        return cell.time() == datetime.min.time() and text == cell.date().isoformat()
    if isinstance(cell, (int, float)):
        return float(text) == float(cell)
    return isinstance(cell, str) and cell == text


def test_every_sheet_equals_its_csv_with_typed_cells(exported):
    workbook = load_workbook(exported / WORKBOOK)
    assert workbook.sheetnames == SHEETS
    for name in TABLE_SHEETS[:-1]:
        sheet = workbook[name]
        csv_rows = _csv_rows(exported / f"{name}.csv")
        sheet_rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert len(sheet_rows) == len(csv_rows), name
        assert sheet_rows[0] == column_labels(csv_rows[0]), name  # readable headers; the CSV keeps the names
        for sheet_row, csv_row in zip(sheet_rows[1:], csv_rows[1:]):
            mismatches = [(h, c, t) for h, c, t in zip(csv_rows[0], sheet_row, csv_row) if not _equal(c, t)]
            assert mismatches == [], name
        assert sheet.freeze_panes == "A2", name
        assert all(sheet.column_dimensions[col].width >= 4 for col in ("A", "B")), name
    segments = workbook["customer_segments"]
    row = dict(zip(export_specs()[0].columns, segments[2]))
    assert row["revenue_12m"].data_type == "n" and row["revenue_12m"].value == 1001.5
    assert row["is_deleted"].data_type == "b" and row["is_deleted"].value is False
    assert row["as_of_date"].is_date and row["as_of_date"].value == datetime(2026, 10, 2)
    assert segments.column_dimensions["B"].width == len('Kunde 4, Müller & "Söhne"') + 2


def test_the_matrix_sheet_holds_the_published_matrix(exported, published):
    sheet = load_workbook(exported / WORKBOOK)["abc_xyz_matrix"]
    con = open_reporting_db(published.reporting_db)
    try:
        expected = con.execute(
            "select abc_xyz, customers, revenue_12m, revenue_share, strategy from abc_xyz_matrix order by abc_xyz"
        ).fetchall()
    finally:
        con.close()
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("ABC-XYZ", "Customers", "Revenue 12 months", "Revenue share", "Strategy")
    assert [(a, c, float(r), s, t) for a, c, r, s, t in expected] == rows[1:]
    assert [r[0] for r in rows[1:]][-1] == "unclassified" and len(rows) == 11


def test_the_manifest_has_the_shape_hashes_and_counts_of_the_files(exported):
    manifest = json.loads((exported / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest) == ["as_of_date", "run_id", "created_at", "files"]
    assert manifest["as_of_date"] == "2026-10-02" and manifest["run_id"] == "night-1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created_at"])
    assert list(manifest["files"]) == CSV_FILES + [WORKBOOK, RUN_REPORT]
    assert manifest["files"][RUN_REPORT]["rows"] is None  # a page, no data rows
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256((exported / name).read_bytes()).hexdigest(), name
    for name in CSV_FILES:
        assert manifest["files"][name]["rows"] == len(_csv_rows(exported / name)) - 1, name
    workbook = load_workbook(exported / WORKBOOK)
    assert manifest["files"][WORKBOOK]["rows"] == {s: len(list(workbook[s].iter_rows())) - 1 for s in TABLE_SHEETS}
    assert manifest["files"][WORKBOOK]["rows"] == {
        "customer_segments": 7,
        "key_accounts": 3,
        "win_back_list": 3,
        "segment_changes": 2,
        "kam_workload": 3,
        "abc_xyz_matrix": 10,
    }


def test_a_formula_like_text_stays_text(published):
    import duckdb

    from kam.export import export_run
    from kam.publish import publish_run
    from tests.integration.publish.fake_candidates import PASSED_GATE

    con = duckdb.connect(published.warehouse)
    con.execute("update marts.customer_segments set customer_name = '=HYPERLINK(\"x\")' where customer_id = 'C0001'")
    con.close()
    publish_run(
        published,
        run_id="night-1b",
        as_of=date(2026, 10, 2),
        started_at="2026-10-03T03:00:00Z",
        gate_result_json=PASSED_GATE,
    )
    folder = export_run(published, run_id="night-1b", as_of=date(2026, 10, 2))
    cell = load_workbook(folder / WORKBOOK)["customer_segments"]["B2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x")'


@pytest.mark.parametrize("run_id, as_of", [("night-0", "2026-10-02"), ("night-1", "2026-10-01")])
def test_only_the_published_run_can_be_exported(published, run_id, as_of):
    from kam.export import ExportError, export_run

    with pytest.raises(ExportError, match="hold run 'night-1' \\(as of 2026-10-02\\)"):
        export_run(published, run_id=run_id, as_of=as_of)
    assert not published.export_dir.exists() or list(published.export_dir.iterdir()) == []
