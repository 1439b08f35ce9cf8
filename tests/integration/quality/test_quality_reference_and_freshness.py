"""row_count_change compares with the right publication (an earlier date, else a rerun of D, else
none); freshness cannot be satisfied by a future timestamp; every threshold takes the run's vars."""

from __future__ import annotations

import json
from datetime import datetime

import pytest


def _published(con, as_of: str, run_id: str, rows: int, finished_at: str) -> None:
    con.execute(
        "insert into reporting.pipeline_runs values (?, ?, ?, ?, 'published', '[]', ?, '{}', '[]')",
        [as_of, run_id, finished_at, finished_at, json.dumps({"customer_segments": rows})],
    )


def test_the_reference_is_the_last_published_run_of_an_earlier_date(warehouse, gate):
    _published(warehouse, "2026-10-15", "d_first", 100, "2026-10-16 03:00:00")  # D itself
    _published(warehouse, "2026-10-16", "later_date", 4, "2026-10-17 03:00:00")  # after D: never
    check = gate().check("row_count_change")
    assert check.details["last_published"]["run_id"] == "published_run"  # 2026-10-13, 8 rows
    assert check.passed and check.observed == 0


def test_without_an_earlier_date_a_rerun_compares_with_the_published_run_of_the_date(warehouse, gate):
    warehouse.execute("delete from reporting.pipeline_runs where run_id = 'published_run'")
    _published(warehouse, "2026-10-15", "d_first", 10, "2026-10-16 03:00:00")
    _published(warehouse, "2026-10-15", "d_second", 16, "2026-10-16 05:00:00")
    check = gate().check("row_count_change")
    assert check.details["last_published"]["run_id"] == "d_second"
    assert check.observed == pytest.approx(-0.5)
    assert not check.passed
    assert check.action.endswith(
        """rerun the date with a larger max_row_change: make run AS_OF=2026-10-15 VARS='{"max_row_change": 0.5}' """
        """(or: airflow dags trigger kam_nightly -c '{"as_of": "2026-10-15", "vars": {"max_row_change": 0.5}}')"""
    )
    assert gate(gate_vars={"max_row_change": 0.5}).check("row_count_change").passed


def test_only_published_runs_count_and_a_later_date_alone_is_a_first_run(warehouse, gate):
    warehouse.execute("delete from reporting.pipeline_runs where run_id = 'published_run'")
    _published(warehouse, "2026-10-16", "later_date", 4, "2026-10-17 03:00:00")
    check = gate().check("row_count_change")  # the blocked run of 2026-10-14 (100 rows) is no reference
    assert check.passed and check.observed is None
    assert check.message == "first run: nothing published for 2026-10-15 or earlier, 8 rows not compared"


def test_a_future_updated_at_cannot_satisfy_freshness(warehouse, gate):
    warehouse.execute("update raw.orders set updated_at = timestamp '2026-10-10 00:00:00'")
    warehouse.execute(
        "insert into raw.orders values ('SO2099', 'C01', '2026-10-01', 'placed', 'EUR', '2099-01-01 00:00:00')"
    )
    check = gate().check("freshness")  # the run started 2026-10-16 02:00 (meta.extract_runs)
    assert not check.passed
    assert check.observed == pytest.approx(144.0)
    assert check.details["rows_ignored_as_future"] == 1
    assert check.details["ignored_after"] == "2026-10-17T02:00:00+00:00"


def test_an_updated_at_within_a_day_of_the_runs_start_counts(warehouse, gate):
    warehouse.execute("update raw.orders set updated_at = timestamp '2026-10-10 00:00:00'")
    warehouse.execute(
        "insert into raw.orders values ('SO_NEW', 'C01', '2026-10-01', 'placed', 'EUR', '2026-10-17 02:00:00')"
    )
    check = gate().check("freshness")
    assert check.passed and check.observed == pytest.approx(-26.0)
    earlier_start = gate(run_started_at=datetime(2026, 10, 16, 1, 0)).check("freshness")
    assert earlier_start.details["rows_ignored_as_future"] == 1 and not earlier_start.passed
    assert gate(run_started_at="2026-10-16T01:00:00").check("freshness").observed == pytest.approx(144.0)


def test_gate_vars_reach_every_threshold(gate):
    result = gate(gate_vars={"margin_coverage_min": 1.01, "freshness_max_hours": 3})
    assert result.thresholds["margin_coverage_min"] == 1.01  # a dbt var: judged by its dbt test
    assert result.check("freshness").threshold == 3 and not result.check("freshness").passed
    assert gate().thresholds["margin_coverage_min"] == 0.9
