"""Data tests with `where: "__night_rows__"` test the night's rows in a nightly `dbt build`
and every row otherwise (docs/decisions/0017-tests-on-the-nights-rows.md).

On a copy of the built worked example (night D), a bad value is planted in an OLD row of
a staging view (raw.activities) and of an incremental model (int_order_failure_events); for
D + 1 a NEW activity with the same bad value and a new late order arrive (as extraction
would have merged them into raw and raw_history). The nightly build of D + 1 reports the new
row only and writes only the new order's event; `dbt test` and a `--full-refresh` build
report the old rows too.
"""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from kam.dbt_env import run_dbt

pytestmark = pytest.mark.slow

NEXT_NIGHT = date(2026, 10, 16)
OCCURRED_AT_TEST = "not_null_stg_crm__activities_occurred_at"
COUNTS_FROM_TEST = "not_null_int_order_failure_events_counts_from"


def _insert_loaded(con, table: str, values: dict[str, str]) -> None:
    """A row as extraction merges it for D + 1: into raw.<table> and raw_history.<table>, next _load_seq."""
    columns = [r[0] for r in con.execute(f"describe raw.{table}").fetchall()]
    values = {
        **values,
        "_source": f"'{table}_night_2.csv'",
        "_row": "2",
        "_run_id": "'night_2'",
        "_load_seq": f"(select max(_load_seq) + 1 from raw_history.{table})",
    }
    select = ", ".join(values.get(c, "null") for c in columns)
    con.execute(f"insert into raw.{table} ({', '.join(columns)}) select {select}")
    con.execute(
        f"insert into raw_history.{table} select *, date '{NEXT_NIGHT}' as _as_of_date"
        f" from raw.{table} where _load_seq = (select max(_load_seq) from raw.{table})"
    )


def _plant_old_and_new_rows(warehouse: str) -> None:
    """Old rows made bad in place (their _load_seq and build stamp unchanged); for D + 1 a new
    activity without occurred_at and a new order undelivered past its promise (a late delivery event)."""
    con = duckdb.connect(warehouse)
    try:
        con.execute(
            "update raw.activities set occurred_at = null"
            " where activity_id = (select min(activity_id) from raw.activities)"
        )
        con.execute(
            "update intermediate.int_order_failure_events set counts_from = null"
            " where event_id = (select min(event_id) from intermediate.int_order_failure_events)"
        )
        _insert_loaded(
            con,
            "activities",
            {
                "activity_id": "'NEW-ACTIVITY'",
                "account_id": "(select min(account_id) from raw.accounts)",
                "activity_type": "'call'",
                "updated_at": f"timestamp '{NEXT_NIGHT} 09:00:00'",
            },
        )
        _insert_loaded(
            con,
            "orders",
            {
                "order_id": "'NEW-ORDER'",
                "customer_id": "(select min(customer_id) from raw.orders)",
                "order_date": "date '2026-10-14'",
                "promised_date": "date '2026-10-15'",
                "status": "'placed'",
                "currency": "'EUR'",
                "updated_at": f"timestamp '{NEXT_NIGHT} 08:00:00'",
            },
        )
    finally:
        con.close()


def _failures(settings, args: list[str], work: str) -> dict[str, int]:
    """dbt `args` for D + 1; the failing rows of each test that ran, by test name."""
    result = run_dbt(settings, args, as_of=NEXT_NIGHT, work_dir=settings.home / work, check=False)
    run_results = json.loads((settings.home / work / "target" / "run_results.json").read_text())
    assert run_results["results"], result.stdout[-3000:]
    return {
        r["unique_id"].split(".")[2]: r["failures"]
        for r in run_results["results"]
        if r["unique_id"].startswith("test.") and r["failures"] is not None
    }


@pytest.fixture
def planted(example_home):
    _plant_old_and_new_rows(example_home.warehouse)
    return example_home


def _night_rows(warehouse: str) -> list[tuple]:
    """The rows of int_order_failure_events the last build wrote."""
    con = duckdb.connect(warehouse, read_only=True)
    try:
        return con.execute(
            "select event_id from intermediate.int_order_failure_events"
            " where _dbt_run_started_at = (select max(_dbt_run_started_at) from intermediate.int_order_failure_events)"
        ).fetchall()
    finally:
        con.close()


def test_the_nightly_build_tests_the_new_rows_only(planted):
    nightly = _failures(planted, ["build"], "nightly")

    assert nightly[OCCURRED_AT_TEST] == 1  # the new activity, not the old one
    assert nightly[COUNTS_FROM_TEST] == 0  # the old event is not the night's
    assert _night_rows(planted.warehouse) == [("late_delivery:NEW-ORDER",)]  # the night's rows tested
    assert nightly["unique_stg_crm__activities_activity_id"] == 0  # keys: the whole table


def test_dbt_test_alone_tests_every_row(planted):
    tested = _failures(planted, ["test", "--select", "stg_crm__activities", "int_order_failure_events"], "test")

    assert tested[OCCURRED_AT_TEST] == 2
    assert tested[COUNTS_FROM_TEST] == 1


def test_a_full_refresh_build_tests_every_row(planted):
    refreshed = _failures(planted, ["build", "--full-refresh", "--select", "stg_crm__activities"], "refresh")

    assert refreshed[OCCURRED_AT_TEST] == 2
