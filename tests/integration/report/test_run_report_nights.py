"""The run report of a second night on the fake warehouse: what changed since the first, the run's
dbt var overrides as cut lines and limit, and a night whose gate left no result."""

from __future__ import annotations

import pytest

from kam.publish import publish_run
from kam.report import render_run_report
from tests.integration.publish.fake_candidates import PASSED_GATE, build_candidates, settings_under
from tests.integration.report.report_page import read_page


@pytest.fixture
def two_nights(tmp_path):
    """Settings of the fake warehouse with nights 1 and 2 published (runs night-1, night-2)."""
    settings = settings_under(tmp_path)
    for night in (1, 2):
        as_of = build_candidates(settings.warehouse, night)
        publish_run(
            settings,
            run_id=f"night-{night}",
            as_of=as_of,
            started_at=f"2026-10-0{night + 2}T02:00:00Z",
            gate_result_json=PASSED_GATE,
        )
    return settings


def test_the_second_night_shows_what_changed_since_the_first(two_nights):
    page = read_page(render_run_report(two_nights, run_id="night-2", as_of="2026-10-03"))

    assert page.tables["segment_changes"] == [["lapse_status", "active", "lapsed", "4"]]
    assert page.charts["segment_changes"] == [["lapse_status", 4]]
    assert page.empty == ["Nothing to show: the gate left no result for this run beside its report."]


def test_the_runs_var_overrides_are_the_cut_lines_and_the_limit(two_nights):
    page = read_page(
        render_run_report(
            two_nights, run_id="night-2", as_of="2026-10-03", run_vars={"abc_a_share": 0.7, "kam_max_key_accounts": 2}
        )
    )

    assert page.vars == {"abc_a_share": "0.7", "abc_b_share": "0.95", "kam_max_key_accounts": "2"}
    assert page.charts["pareto"]["cut_lines"] == [0.7, 0.95]
    assert page.charts["key_accounts_per_manager"] == {
        "limit": 2,
        "managers": [
            ["Manager 3", 3, False],
            ["Manager 2", 2, False],
            ["Manager 1", 1, False],
            ["unassigned", 0, False],
        ],
    }
