"""The run report of the worked example's night: every chart's numbers equal the published tables.

One night (as-of 2026-10-15) gated, published and exported through the `kam.pipeline` stages on a
copy of the example's built warehouse; the page is read back (`report_page`) and compared with SQL on
the reporting DB, as BI reads it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from kam import pipeline
from kam.quality.report import report_folder
from kam.quality.result import short
from kam.warehouse.reporting_db import open_reporting_db
from tests.integration.conftest import copy_of_example
from tests.integration.report.report_page import read_page

pytestmark = pytest.mark.slow

AS_OF = date(2026, 10, 15)
RUN_ID = "scheduled__2026-10-16T02:00:00+00:00"
REPORT = "kam_run_report_2026-10-15.html"


@pytest.fixture(scope="module")
def night(example_warehouse, tmp_path_factory):
    """Settings, plan and export folder of the example's night, published and exported once."""
    home = tmp_path_factory.mktemp("run_report")
    settings = copy_of_example(example_warehouse, home)
    build = pipeline.read_build(Path(example_warehouse.home) / "dbt" / "target")
    started = datetime(2026, 10, 16, 2, 0, tzinfo=UTC)
    plan = pipeline.plan(settings, AS_OF)
    verdict = pipeline.gate(
        settings,
        plan,
        run_id=RUN_ID,
        dbt_failures=build["failures"],
        dbt_outcome=build["outcome"],
        run_started_at=started,
    )
    pipeline.publish_or_block(settings, plan, verdict, run_id=RUN_ID, started_at=started)
    folder = Path(pipeline.export(settings, plan, run_id=RUN_ID))
    return {"settings": settings, "plan": plan, "folder": folder, "verdict": verdict}


@pytest.fixture(scope="module")
def html(night) -> str:
    return (night["folder"] / REPORT).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html):
    return read_page(html)


@pytest.fixture(scope="module")
def sql(night):
    """Rows of a query on the reporting DB, as BI reads it."""
    con = open_reporting_db(night["settings"].reporting_db)
    yield lambda query, params=None: con.execute(query, params or []).fetchall()
    con.close()


def _text(value) -> str:
    """A value as the page's data-value holds it."""
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def test_the_report_is_in_the_export_folder_its_manifest_and_beside_the_gate_report(night):
    folder, settings = night["folder"], night["settings"]
    data = (folder / REPORT).read_bytes()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"][REPORT] == {"rows": None, "sha256": hashlib.sha256(data).hexdigest()}
    beside = report_folder(settings.report_dir, AS_OF, RUN_ID)
    assert (beside / REPORT).read_bytes() == data
    assert (beside / "gate_report.html").exists()


def test_the_page_is_self_contained(html):
    """No address but the SVG namespaces, and each of those in an xmlns attribute; no script or external file."""
    namespaces = ('xmlns="http://www.w3.org/2000/svg"', 'xmlns:xlink="http://www.w3.org/1999/xlink"')
    assert html.count("http") == sum(html.count(ns) for ns in namespaces) == 2 * 6  # six charts on a first night
    assert html.count("<svg") == 6
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "src=", "@font-face"):
        assert forbidden not in html


def test_the_pareto_curve_is_every_customer_with_revenue_ranked_and_the_cut_lines_are_the_dbt_vars(page, sql):
    ranked = sql(
        "select row_number() over (order by revenue_cum_share, customer_id), revenue_cum_share, abc_revenue "
        "from customer_segments where revenue_12m > 0 order by 1"
    )
    chart = page.charts["pareto"]
    assert len(ranked) == chart["customers"] == 67  # fewer than 200: every customer is a point
    assert chart["points"] == [list(row) for row in ranked]
    assert chart["cut_lines"] == [0.8, 0.95]
    assert page.vars == {"abc_a_share": "0.8", "abc_b_share": "0.95", "kam_max_key_accounts": "9"}
    assert chart["class_last_rank"] == {"A": 18, "B": 37, "C": 67}
    classes = sql(
        "select abc_revenue, count(*), sum(revenue_12m), max(revenue_cum_share) "
        "from customer_segments where revenue_12m > 0 group by 1 order by 1"
    )
    cum = [0.0] + [row[3] for row in classes]
    expected = [
        [abc, str(n), str(revenue), repr(cum[i + 1] - cum[i]), repr(cum[i + 1]), str(last)]
        for i, ((abc, n, revenue, _), last) in enumerate(zip(classes, [18, 37, 67]))
    ]
    assert page.tables["pareto_classes"] == expected
    assert [row[:3] for row in page.tables["pareto_classes"]] == [
        ["A", "18", "3841322.47"],
        ["B", "19", "722201.64"],
        ["C", "30", "233345.00"],
    ]
    assert [round(float(row[3]), 4) for row in page.tables["pareto_classes"]] == [0.8008, 0.1506, 0.0486]


def test_the_matrix_heatmap_holds_every_cell_with_its_customers_share_and_strategy(page, sql):
    rows = {r[0]: r for r in sql("select abc_xyz, customers, revenue_12m, revenue_share, strategy from abc_xyz_matrix")}
    order = [a + x for a in "ABC" for x in "XYZ"]
    assert page.tables["abc_xyz_matrix"] == [list(map(_text, rows[c])) for c in [*order, "unclassified"]]
    assert page.charts["abc_xyz_matrix"] == [[c, rows[c][1], rows[c][3], rows[c][4]] for c in order]
    assert [(c, n) for c, n, *_ in page.charts["abc_xyz_matrix"]] == [
        ("AX", 9),
        ("AY", 5),
        ("AZ", 4),
        ("BX", 5),
        ("BY", 2),
        ("BZ", 11),
        ("CX", 3),
        ("CY", 2),
        ("CZ", 22),
    ]


def test_lapse_counts_and_win_back_value_by_priority_equal_the_tables(page, sql):
    lapse = dict(sql("select lapse_status, count(*) from customer_segments group by 1"))
    assert lapse == {"active": 46, "at_risk": 8, "lapsed": 13, "lost": 8, "never_ordered": 7}
    expected = [[s, str(lapse[s])] for s in ("active", "at_risk", "lapsed", "lost", "never_ordered")]
    assert page.tables["lapse_status"] == expected
    assert page.charts["lapse_status"] == [[s, int(n)] for s, n in expected]
    win_back = sql(
        "select winback_priority, count(*), sum(value_at_stake) from win_back_list group by 1 "
        "order by winback_priority nulls last"
    )
    assert win_back == [
        ("A", 8, Decimal("478736.96")),
        ("B", 6, Decimal("90402.12")),
        ("C", 3, Decimal("20557.07")),
        (None, 2, Decimal("0.00")),
    ]
    assert page.tables["win_back"] == [list(map(_text, row)) for row in win_back]
    assert page.charts["win_back"] == [
        ["A", "478736.96"],
        ["B", "90402.12"],
        ["C", "20557.07"],
        ["none (0 at stake)", "0.00"],
    ]


def test_failure_dynamics_are_the_events_per_area_and_month_of_the_last_12_months(page, sql):
    rows = sql(
        "select failure_area, strftime(month_start, '%Y-%m'), sum(failure_count) from failure_dynamics_monthly "
        "where month_start between date '2025-11-01' and date '2026-10-01' group by 1, 2"
    )
    months = page.charts["failure_dynamics"]["months"]
    assert months == [f"2025-{m}" for m in ("11", "12")] + [f"2026-{m:02d}" for m in range(1, 11)]
    expected = {}
    for area, month, count in rows:
        expected.setdefault(area, [0] * 12)[months.index(month)] = int(count)
    assert page.charts["failure_dynamics"]["areas"] == expected
    assert page.tables["failure_dynamics"] == [
        [area, *map(str, counts), str(sum(counts))] for area, counts in sorted(expected.items())
    ]
    assert {area: sum(counts) for area, counts in expected.items()} == {
        "billing": 17,
        "delivery": 157,
        "other": 3,
        "quality": 20,
        "service": 21,
    }


def test_key_accounts_per_manager_are_the_workload_against_the_limit(page, sql):
    rows = sql(
        "select account_manager, key_accounts, customers, is_overloaded from kam_workload "
        "order by key_accounts desc, account_manager"
    )
    assert page.tables["key_accounts_per_manager"] == [list(map(_text, row)) for row in rows]
    assert page.charts["key_accounts_per_manager"] == {
        "limit": 9,
        "managers": [[m, k, o] for m, k, _, o in rows],
    }
    assert rows[0][:2] == ("Katrin Vogel", 9) and not any(o for *_, o in rows)  # at the limit, not above it


def test_the_first_night_shows_no_changes_and_the_gate_checks_of_the_run(page, sql, night):
    assert sql("select count(*) from segment_changes") == [(0,)]
    assert page.empty == ["Nothing to show: this is the first night: the segment history holds no earlier as-of date."]
    checks = night["verdict"]["checks"]
    assert page.tables["gate_checks"] == [
        [
            c["name"],
            "blocking" if c["blocking"] else "warning",
            c["status"],
            "" if c["observed"] is None else short(c["observed"]),
            "" if c["threshold"] is None else short(c["threshold"]),
            c["message"],
        ]
        for c in checks
    ]
    assert [(row[0], row[2], row[3]) for row in page.tables["gate_checks"] if row[2] != "passed"] == [
        ("orders_unknown_customer", "warning", "80"),
        ("orders_without_rate", "warning", "12"),
        ("order_lines_without_order", "warning", "8"),
        ("margin_coverage_low", "warning", "7"),
    ]
    numbers = {row[0]: row[3:5] for row in page.tables["gate_checks"]}
    assert numbers["revenue_shares_sum_to_one"] == ["1", "1"]  # 1.0000000000000002 as the gate report shows it
    assert numbers["class_a_share"] == ["0.800798", "0.8"] and numbers["row_count_change"] == ["", "0.25"]
    assert len(checks) == 15


def test_exporting_the_night_again_writes_the_same_bytes(night):
    folder, settings = night["folder"], night["settings"]
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "manifest.json"}
    again = Path(pipeline.export(settings, night["plan"], run_id=RUN_ID))
    assert {p.name: p.read_bytes() for p in again.iterdir() if p.name != "manifest.json"} == before
    assert REPORT in before
