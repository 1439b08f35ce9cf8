"""CSV injection (outputs.md v1.1): formula-leading text is `'`-prefixed in the CSVs, plain text in the workbook."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import duckdb
import pytest
from openpyxl import load_workbook

from kam.export.values import csv_text, excel_value, is_formula_like

WORKBOOK = "kam_segments_2026-10-02.xlsx"
INJECTIONS = {
    "C0001": '=HYPERLINK("http://evil.example/x","click")',
    "C0002": "+cmd|' /C calc'!A0",
    "C0003": "-x",
    "C0004": "@x",
    "C0005": "\tx",
    "C0006": "\rx",
}


@pytest.mark.parametrize("text", list(INJECTIONS.values()))
def test_formula_like_text_gets_a_leading_quote_in_csv(text):
    assert is_formula_like(text)
    assert csv_text(text) == "'" + text
    assert excel_value(text) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (-42, "-42"),
        (Decimal("-0.05"), "-0.05"),
        (-1.5, "-1.5"),
        (float("-inf"), "-inf"),
        (date(2026, 1, 2), "2026-01-02"),
        ("x=1", "x=1"),
        (" =x", " =x"),
        ("", ""),
        ("Müller", "Müller"),
    ],
)
def test_numbers_dates_and_other_text_are_untouched(value, text):
    assert csv_text(value) == text


@pytest.fixture
def injected_export(settings):
    from kam.export import export_run
    from kam.publish import publish_run
    from tests.integration.publish.fake_candidates import PASSED_GATE, build_candidates

    build_candidates(settings.warehouse, 1)
    con = duckdb.connect(settings.warehouse)
    try:
        for customer, text in INJECTIONS.items():
            con.execute(
                "update marts.customer_segments set customer_name = ?, account_manager = ? where customer_id = ?",
                [text, text, customer],
            )
    finally:
        con.close()
    publish_run(
        settings, run_id="night-1", as_of="2026-10-02", started_at="2026-10-03T02:00:00Z", gate_result_json=PASSED_GATE
    )
    return export_run(settings, run_id="night-1", as_of="2026-10-02")


def test_the_csv_neutralises_every_injection_and_keeps_negative_numbers(injected_export):
    with open(injected_export / "customer_segments.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_id = {r["customer_id"]: r for r in rows}

    for customer, text in INJECTIONS.items():
        assert by_id[customer]["customer_name"] == "'" + text, customer
        assert by_id[customer]["account_manager"] == "'" + text, customer
    assert by_id["C0001"]["gross_margin_12m"] == "-399.90"  # a negative amount is a number, not text
    assert by_id["C0007"]["customer_name"] == "Kunde 7"


def test_the_workbook_holds_every_injection_as_unchanged_text(injected_export):
    sheet = load_workbook(injected_export / WORKBOOK)["customer_segments"]
    header = [c.value for c in sheet[1]]
    name, manager, margin = (header.index(c) for c in ("Customer name", "Account manager", "Gross margin 12 months"))
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}

    for customer, text in INJECTIONS.items():
        for column in (name, manager):
            cell = rows[customer][column]
            assert (cell.data_type, cell.value) == ("s", text), customer
    assert (rows["C0001"][margin].data_type, rows["C0001"][margin].value) == ("n", -399.9)
