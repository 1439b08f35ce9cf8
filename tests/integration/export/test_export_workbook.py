"""The workbook sales ops read: Excel tables with filters, frozen readable headers, number formats, status colours,
the About sheet from the dbt docs and the native charts (the fake warehouse's night 1, docs/decisions/0023)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from openpyxl import load_workbook

from kam.export.about_sheet import NO_DOCS
from kam.export.column_labels import column_label, column_labels
from kam.export.workbook_charts import pareto_points
from kam.publish.exposures import export_specs
from tests.integration.publish.fake_candidates import PASSED_GATE, as_of_of, build_candidates, settings_under

WORKBOOK = "kam_segments_2026-10-02.xlsx"
EUR = '#,##0.00 "€";[Red]-#,##0.00 "€"'
BOOLEAN = '"TRUE";"TRUE";"FALSE"'
TABLE_REFS = {
    "customer_segments": "A1:AW8",
    "key_accounts": "A1:I4",
    "win_back_list": "A1:K4",
    "segment_changes": "A1:F3",
    "kam_workload": "A1:J4",
    "abc_xyz_matrix": "A1:E11",
}


def _fake_manifest(path):
    """A dbt manifest of the exported models: `What <model> holds.` and `<column> of <model>, explained.`"""
    nodes = {
        f"model.kam_warehouse.{spec.table}": {
            "resource_type": "model",
            "package_name": "kam_warehouse",
            "name": spec.table,
            "description": f"What {spec.table} holds,\nin `two` lines.\n",
            "columns": {c: {"name": c, "description": f"{c} of {spec.table}, explained."} for c in spec.columns},
        }
        for spec in export_specs()
    }
    nodes["model.other_package.kam_workload"] = {"resource_type": "model", "package_name": "other", "name": "x"}
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"metadata": {"project_name": "kam_warehouse"}, "nodes": nodes}))


@pytest.fixture(scope="module")
def night_1(tmp_path_factory):
    """(settings, workbook) of night 1, exported after a dbt build left its manifest where the nightly
    Cosmos task keeps it; one export for the module's tests (they only read it)."""
    from kam.export import export_run
    from kam.publish import publish_run

    settings = settings_under(tmp_path_factory.mktemp("workbook"))
    _fake_manifest(settings.home / "dbt" / "cosmos" / "target" / "manifest.json")
    build_candidates(settings.warehouse, 1)
    publish_run(
        settings, run_id="night-1", as_of=as_of_of(1), started_at="2026-10-03T02:00:00Z", gate_result_json=PASSED_GATE
    )
    return settings, load_workbook(export_run(settings, run_id="night-1", as_of="2026-10-02") / WORKBOOK)


@pytest.fixture
def workbook(night_1):
    return night_1[1]


@pytest.mark.parametrize(
    "name, label",
    [
        ("customer_id", "Customer ID"),
        ("revenue_prev_12m", "Revenue previous 12 months"),
        ("revenue_cum_share", "Revenue cumulative share"),
        ("is_key_account", "Key account?"),
        ("was_key_account", "Was key account?"),
        ("abc_xyz_strategy", "ABC-XYZ strategy"),
        ("three_p_qualified", "3P qualified"),
        ("previous_as_of_date", "Previous as-of date"),
        ("otif_rate_90d", "OTIF rate 90 days"),
        ("winback_priority", "Win-back priority"),
        ("kam_designated", "KAM designated"),
        ("demand_cv", "Demand CV"),
    ],
)
def test_a_header_is_read_from_the_column_name_by_one_rule(name, label):
    assert column_label(name) == label


def test_two_columns_reading_the_same_are_refused():
    with pytest.raises(ValueError, match=r"give the same header twice: \['Revenue previous 12 months'\]"):
        column_labels(["revenue_prev_12m", "revenue_previous_12m"])


def test_each_table_sheet_is_an_excel_table_with_filters_under_a_frozen_readable_header(workbook):
    assert workbook.sheetnames == ["About", *TABLE_REFS, "Charts"]
    for spec in export_specs():
        sheet = workbook[spec.table]
        assert list(sheet.tables) == [spec.table]
        table = sheet.tables[spec.table]
        assert (table.ref, table.autoFilter.ref, table.headerRowCount) == (TABLE_REFS[spec.table],) * 2 + (1,)
        assert table.column_names == [c.value for c in sheet[1]] == column_labels(spec.columns)
        assert table.tableStyleInfo.name == "TableStyleMedium2" and table.tableStyleInfo.showRowStripes
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb == "004472C4"
    assert [c.value for c in workbook["win_back_list"][1]] == [
        "Customer ID",
        "Customer name",
        "Account manager",
        "Lapse status",
        "Last order date",
        "Days since last order",
        "Value at stake",
        "Win-back priority",
        "Was key account?",
        "Failures before loss",
        "Top failure area before loss",
    ]


def _formats(sheet, row: int) -> dict[str, tuple]:
    header = [c.value for c in sheet[1]]
    return {h: (c.value, c.number_format) for h, c in zip(header, sheet[row])}


def test_amounts_are_euros_shares_percentages_dates_dates_counts_integers(workbook):
    segments = _formats(workbook["customer_segments"], 2)
    assert segments["Revenue 12 months"] == (1001.5, EUR)
    assert segments["Gross margin 12 months"] == (-399.9, EUR)  # red with its minus sign
    assert segments["Revenue share"] == (0.001, "0.00%")
    assert segments["Margin coverage"] == (1, "0.00%")
    assert segments["OTIF rate 90 days"] == (0.75, "0.00%")
    assert segments["As-of date"] == (datetime(2026, 10, 2), "yyyy-mm-dd")
    assert segments["Last order date"] == (datetime(2026, 10, 1), "yyyy-mm-dd")
    assert segments["Months observed"] == (12, "#,##0")
    assert segments["Purchase frequency"] == (1 / 12, "#,##0.00")
    assert segments["Key account score"] == (34.3, "#,##0.00")
    assert segments["Deleted?"] == (False, BOOLEAN)
    assert segments["Customer name"] == ("Kunde 1", "General")
    assert _formats(workbook["win_back_list"], 2)["Value at stake"] == (300, EUR)
    workload = _formats(workbook["kam_workload"], 2)
    assert workload["Customers"][1] == "#,##0" and workload["Key account revenue 12 months"][1] == EUR
    assert _formats(workbook["abc_xyz_matrix"], 2)["Revenue share"] == (0.1, "0.00%")
    # columns are sized to the text a cell shows in its format, the header's filter button included
    widths = workbook["customer_segments"].column_dimensions
    assert widths["J"].width == len("Revenue 12 months") + 3 + 2
    assert widths["B"].width == len('Kunde 4, Müller & "Söhne"') + 2


def _rules(sheet) -> list[tuple]:
    return [
        (str(cf.sqref), rule.operator, rule.formula, rule.dxf.fill.bgColor.rgb, rule.dxf.font.color.rgb)
        for cf in sheet.conditional_formatting
        for rule in cf.rules
    ]


def test_lapse_status_failure_trend_and_overload_are_coloured(workbook):
    lapse = [
        ('"active"', "00C6EFCE", "00006100"),
        ('"at_risk"', "00FFEB9C", "009C5700"),
        ('"lapsed"', "00FFC7CE", "009C0006"),
        ('"lost"', "00C00000", "00FFFFFF"),
    ]
    assert _rules(workbook["customer_segments"]) == [("AG2:AG8", "equal", [v], f, t) for v, f, t in lapse] + [
        ("AJ2:AJ8", "equal", ['"rising"'], "00FFC7CE", "009C0006"),
        ("AJ2:AJ8", "equal", ['"falling"'], "00C6EFCE", "00006100"),
    ]
    assert _rules(workbook["win_back_list"]) == [("D2:D4", "equal", [v], f, t) for v, f, t in lapse]
    assert _rules(workbook["kam_workload"]) == [("J2:J4", "equal", ["TRUE"], "00FFC7CE", "009C0006")]
    assert _rules(workbook["key_accounts"]) == []


def _values(sheet, first: int, last: int) -> list[tuple]:
    return [tuple(r) for r in sheet.iter_rows(min_row=first, max_row=last, values_only=True)]


def test_the_about_sheet_names_the_night_and_what_each_sheet_and_column_means(workbook):
    about = workbook["About"]
    assert _values(about, 1, 5) == [
        ("Key-account segments as of 2026-10-02", None, None, None),
        ("As-of date", datetime(2026, 10, 2), None, None),
        ("Run", "night-1", None, None),
        ("Column meanings", "the dbt docs of the published tables", None, None),
        ("Data", "one sheet per exported table, the same rows as its CSV", None, None),
    ]
    assert about["B2"].number_format == "yyyy-mm-dd"
    assert {name: about.tables[name].ref for name in about.tables} == {
        "about_sheets": "A7:C15",
        "about_columns": "A17:D107",
    }
    sheets = _values(about, 7, 15)
    assert [row[:3] for row in sheets] == [
        ("Sheet", "Rows", "What it is for"),
        ("About", None, "This sheet: the night the workbook shows, and what each sheet and column means."),
        *[(t, n, f"What {t} holds, in two lines.") for t, n in [("customer_segments", 7), ("key_accounts", 3)]],
        *[(t, n, f"What {t} holds, in two lines.") for t, n in [("win_back_list", 3), ("segment_changes", 2)]],
        *[(t, n, f"What {t} holds, in two lines.") for t, n in [("kam_workload", 3), ("abc_xyz_matrix", 10)]],
        ("Charts", None, "The Pareto curve of revenue and the ABC-XYZ matrix as charts, with the data they show."),
    ]
    columns = _values(about, 17, 107)
    assert columns[0] == ("Sheet", "Column", "What it means", "Column in the CSV")
    assert columns[1:] == [
        (spec.table, label, f"{name} of {spec.table}, explained.", name)
        for spec in export_specs()
        for name, label in zip(spec.columns, column_labels(spec.columns))
    ]
    assert about.row_dimensions[9].height == 15 and about["C9"].alignment.wrap_text


def test_without_a_dbt_manifest_the_about_sheet_says_the_meanings_are_missing(exported):
    about = load_workbook(exported / WORKBOOK)["About"]
    assert about["B4"].value == NO_DOCS
    assert [r[2] for r in _values(about, 18, 107)] == [None] * 90  # no meaning made up


def test_the_charts_sheet_holds_the_pareto_curve_and_the_matrix_as_native_charts(night_1):
    from kam.warehouse.reporting_db import open_reporting_db

    settings, workbook = night_1
    con = open_reporting_db(settings.reporting_db)
    try:
        shares = [r[0] for r in con.execute("select revenue_cum_share from customer_segments").fetchall()]
        matrix = dict(
            con.execute("select abc_xyz, [customers, revenue_share] from abc_xyz_matrix order by 1").fetchall()
        )
    finally:
        con.close()
    charts = workbook["Charts"]
    points = pareto_points(shares)
    assert len(points) == 8 and points[1] == (1 / 7, 0.01) and points[-1] == (1.0, 0.07)
    assert [row[:2] for row in _values(charts, 4, 12)] == [
        ("Customers (cumulative share)", "Revenue (cumulative share)"),
        *[(float(f"{x:.16g}"), float(f"{y:.16g}")) for x, y in points],  # as every number cell (decision 0015)
    ]
    assert [(r[3], *r[4:7]) for r in _values(charts, 4, 6)] == [
        (abc, *(matrix[abc + xyz][0] for xyz in "XYZ")) for abc in "ABC"
    ]
    assert [(r[3], *r[4:7]) for r in _values(charts, 10, 12)] == [
        (abc, *(matrix[abc + xyz][1] for xyz in "XYZ")) for abc in "ABC"
    ]
    assert _values(charts, 14, 15) == [
        (None, None, None, "Unclassified customers", matrix["unclassified"][0], None, None),
        (None, None, None, "Their revenue share", matrix["unclassified"][1], None, None),
    ]
    assert charts["A6"].number_format == "0.00%" and charts["E4"].number_format == "#,##0"

    pareto, customers, revenue = charts._charts
    assert [type(c).__name__ for c in charts._charts] == ["ScatterChart", "BarChart", "BarChart"]
    assert [(s.xVal.numRef.f, s.yVal.numRef.f) for s in pareto.series] == [
        ("'Charts'!$A$5:$A$12", "'Charts'!$B$5:$B$12")
    ]
    assert pareto.scatterStyle == "line" and pareto.x_axis.number_format.formatCode == "0%"
    for chart, top in ((customers, 4), (revenue, 10)):
        assert (chart.type, chart.grouping) == ("col", "clustered")
        assert [(s.tx.strRef.f, s.cat.strRef.f, s.val.numRef.f) for s in chart.series] == [
            (f"'Charts'!{col}{top - 1}", f"'Charts'!$D${top}:$D${top + 2}", f"'Charts'!${col}${top}:${col}${top + 2}")
            for col in "EFG"
        ]
    titles = ["".join(r.t for p in c.title.tx.rich.p for r in p.r) for c in charts._charts]
    assert titles == ["Pareto curve of revenue", "Customers per ABC-XYZ cell", "Revenue share per ABC-XYZ cell"]


def test_the_pareto_curve_has_a_bounded_number_of_points():
    shares = [i / 1000 for i in range(1000, 0, -1)] + [None] * 5  # 1,000 ranked customers, 5 outside ABC
    points = pareto_points(shares, limit=200)
    assert len(points) == 201
    assert points[:3] == [(0.0, 0.0), (0.005, 0.005), (0.01, 0.01)] and points[-1] == (1.0, 1.0)
    assert pareto_points([0.6, 1.0]) == [(0.0, 0.0), (0.5, 0.6), (1.0, 1.0)]
    assert pareto_points([None]) == [(0.0, 0.0)]
