"""The run report's charts and page on tiny inputs: the numbers drawn, the labels, the same bytes twice,
and an explicit "nothing to show" for every empty section."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from html import unescape

from kam.report import charts
from kam.report.page import render_page
from kam.report.report_data import (
    Change,
    Changes,
    ClassTotal,
    Count,
    FailureMonths,
    MatrixCell,
    Pareto,
    ParetoPoint,
    ReportData,
    WinBack,
    Workload,
    month_starts,
)
from kam.report.report_vars import ReportVars

VARS = ReportVars(abc_a_share=0.8, abc_b_share=0.95, kam_max_key_accounts=9)
PARETO = Pareto(
    customers_with_revenue=3,
    customers_without_revenue=1,
    revenue_12m=Decimal("100.00"),
    points=[ParetoPoint(1, 0.6, "A"), ParetoPoint(2, 0.9, "B"), ParetoPoint(3, 1.0, "C")],
    classes=[
        ClassTotal("A", 1, Decimal("60.00"), 0.6, 0.6, 1),
        ClassTotal("B", 1, Decimal("30.00"), 0.3, 0.9, 2),
        ClassTotal("C", 1, Decimal("10.00"), 0.1, 1.0, 3),
    ],
)


def _values(svg: str):
    return json.loads(unescape(re.search(r'data-values="([^"]*)"', svg).group(1)))


def _texts(svg: str) -> list[str]:
    return [unescape(t) for t in re.findall(r">([^<>]+)</text>", svg)]


def test_the_pareto_chart_draws_the_ranked_customers_and_both_cut_lines():
    svg = charts.pareto_chart(PARETO, 0.8, 0.95)
    assert svg.startswith('<svg role="img" aria-label="pareto" data-chart="pareto"')
    assert _values(svg) == {
        "customers": 3,
        "points": [[1, 0.6, "A"], [2, 0.9, "B"], [3, 1.0, "C"]],
        "cut_lines": [0.8, 0.95],
        "class_last_rank": {"A": 1, "B": 2, "C": 3},
    }
    assert {"A/B cut 80%", "B/C cut 95%", "1 customer"} <= set(_texts(svg))
    assert "share of the 3 customers with revenue, ranked by revenue" in _texts(svg)


def test_a_chart_is_the_same_bytes_twice_with_every_id_prefixed_and_no_address_but_the_namespaces():
    svg = charts.pareto_chart(PARETO, 0.8, 0.95)
    assert charts.pareto_chart(PARETO, 0.8, 0.95) == svg
    assert "<?xml" not in svg and "DOCTYPE" not in svg and "<metadata" not in svg
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i.startswith("pareto-") for i in ids)
    assert all(ref[1:] in ids for ref in re.findall(r'xlink:href="(#[^"]+)"', svg))
    assert sorted(set(re.findall(r"https?://[^\"]+", svg))) == [
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/2000/svg",
    ]


def test_the_matrix_heatmap_names_each_cell_with_customers_share_and_strategy_headline():
    cells = [
        MatrixCell("AX", 1, Decimal("75.00"), 0.75, "Key-account care: named manager, reviews."),
        MatrixCell("CZ", 3, Decimal("25.00"), 0.25, None),
        MatrixCell("unclassified", 2, Decimal("0.00"), 0.0, "No class yet"),
    ]
    svg = charts.matrix_chart(cells)
    assert _values(svg) == [
        ["AX", 1, 0.75, "Key-account care: named manager, reviews."],
        *[[c, 0, None, None] for c in ("AY", "AZ", "BX", "BY", "BZ", "CX", "CY")],
        ["CZ", 3, 0.25, None],
    ]
    texts = _texts(svg)
    assert texts[texts.index("AX") : texts.index("AX") + 4] == [
        "AX",
        "1 customer",
        "75.0% of revenue",
        "Key-account care",
    ]
    assert texts[texts.index("CZ") : texts.index("CZ") + 3] == ["CZ", "3 customers", "25.0% of revenue"]
    assert "<image" not in svg  # drawn as vector cells, not a raster


def test_a_strategy_headline_is_its_text_up_to_the_colon_wrapped_in_at_most_three_lines():
    assert charts.strategy_headline("Serve on demand: respond quickly") == "Serve on demand"
    long = "Grow the share of wallet with framework orders and cross-selling of the whole range every quarter"
    assert charts.strategy_headline(long) == "Grow the share of wallet\nwith framework orders\nand cross-selling of …"


def test_lapse_and_win_back_bars_carry_counts_and_amounts_as_text():
    lapse = charts.lapse_chart([Count("active", 4), Count("lost", 1)])
    assert _values(lapse) == [["active", 4], ["lost", 1]]
    win_back = charts.win_back_chart([WinBack("A", 2, Decimal("1234.50")), WinBack(None, 1, Decimal("0.00"))])
    assert _values(win_back) == [["A", "1234.50"], ["none (0 at stake)", "0.00"]]
    assert {"1,234 EUR", "2 customers", "0 EUR", "1 customer"} <= set(_texts(win_back))


def test_failures_are_stacked_per_area_over_the_months():
    failures = FailureMonths([date(2026, 9, 1), date(2026, 10, 1)], {"billing": [0, 2], "delivery": [3, 1]})
    svg = charts.failures_chart(failures)
    assert _values(svg) == {"months": ["2026-09", "2026-10"], "areas": {"billing": [0, 2], "delivery": [3, 1]}}
    assert {"2026-09", "2026-10", "billing", "delivery", "area"} <= set(_texts(svg))


def test_key_accounts_per_manager_against_the_limit():
    workload = [Workload("Anna", 11, 20, True), Workload("Ben", 3, 5, False)]
    svg = charts.workload_chart(workload, 9)
    assert _values(svg) == {"limit": 9, "managers": [["Anna", 11, True], ["Ben", 3, False]]}
    assert {"limit 9", "Anna", "Ben", "11", "3"} <= set(_texts(svg))


def test_changes_are_summed_per_attribute_most_first():
    changes = [
        Change("lapse_status", "active", "at_risk", 2),
        Change("abc_revenue", "B", "A", 1),
        Change("lapse_status", "at_risk", "lapsed", 3),
    ]
    assert _values(charts.changes_chart(changes)) == [["lapse_status", 5], ["abc_revenue", 1]]


def test_the_last_12_months_run_across_the_year():
    assert month_starts(date(2026, 2, 10), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert month_starts(date(2026, 10, 15))[0] == date(2025, 11, 1) and len(month_starts(date(2026, 10, 15))) == 12


def _empty_night(previous: date | None) -> ReportData:
    months = month_starts(date(2026, 10, 15))
    return ReportData(
        as_of=date(2026, 10, 15),
        window=None,
        customers=0,
        pareto=Pareto(0, 0, Decimal(0), [], []),
        matrix=[MatrixCell(c, 0, Decimal("0.00"), None, None) for c in ("AX", "unclassified")],
        lapse=[],
        win_back=[],
        failures=FailureMonths(months, {}),
        workload=[],
        changes=Changes(previous, []),
    )


def _notes(html: str) -> list[str]:
    return [unescape(n) for n in re.findall(r'<p class="empty">([^<]*)</p>', html)]


def test_a_night_without_data_says_nothing_to_show_in_every_section():
    html = render_page(_empty_night(None), VARS, None)
    assert "<svg" not in html
    assert _notes(html) == [
        "Nothing to show: no customer has revenue in the analysis window.",
        "Nothing to show: no customer in the ABC-XYZ matrix.",
        "Nothing to show: no customers.",
        "Nothing to show: no customer on the win-back list.",
        "Nothing to show: no failure events from 2025-11 to 2026-10.",
        "Nothing to show: no account manager has customers.",
        "Nothing to show: this is the first night: the segment history holds no earlier as-of date.",
        "Nothing to show: the gate left no result for this run beside its report.",
    ]


def test_a_later_night_without_changes_names_the_previous_night():
    html = render_page(_empty_night(date(2026, 10, 14)), VARS, [])
    assert "Nothing to show: no customer changed since the previous night, 2026-10-14." in _notes(html)
    assert '<table data-table="gate_checks">' in html  # the gate ran, with no checks
