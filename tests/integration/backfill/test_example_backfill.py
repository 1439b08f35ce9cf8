"""A backfill of the worked example's D reproduces what the night of D built.

A copy of the example warehouse (built nightly for D = 2026-10-15) gets what later
nights leave behind: raw_history holding every raw row as loaded for D plus newer
versions loaded for D + 1 (an account renamed, an order cancelled, an exchange rate
corrected), raw holding those newer versions, and a published history with the
date before D (2026-10-14) and the date after it (2026-10-16). `dbt build
--full-refresh` (models and seeds) with `kam_backfill: true, schema_suffix: _backfill` must then give,
in the suffixed schemas, exactly the nightly staging, intermediate and mart tables
of D (the versions of D + 1 and the published date after D are never read), a
history that keeps every other published date, and segment changes against
2026-10-14.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import duckdb
import pytest

from tests.integration.expected_tables import CHANGES_SINCE_2026_10_14, warehouse_rows
from tests.integration.publish.reporting_reads import table_fingerprints

pytestmark = pytest.mark.slow

D = "2026-10-15"
OBJECTS = (
    "orders",
    "order_lines",
    "fx_rates",
    "accounts",
    "contacts",
    "opportunities",
    "activities",
    "cases",
    "surveys",
)
# what the published history of 2026-10-14/-16 and segment changes depend on, checked on their own
HISTORY_DEPENDENT = {"customer_segments_history", "segment_changes", "win_back_list"}


def _later_nights(con) -> dict[str, str]:
    """raw_history = raw as loaded for D, plus versions of D + 1 that raw now holds; returns what changed."""
    con.execute("create schema if not exists raw_history")
    for obj in OBJECTS:
        con.execute(
            f"create or replace table raw_history.{obj} as select *, cast('{D}' as date) as _as_of_date from raw.{obj}"
        )
    account, order, currency = con.execute("""
        select s.customer_id, min(o.order_id), (select min(currency) from raw.fx_rates)
        from marts.customer_segments s join raw.orders o on o.customer_id = s.customer_id
        where s.revenue_12m = (select max(revenue_12m) from marts.customer_segments)
        group by s.customer_id""").fetchone()
    later = {  # object: (the rows, their version of D + 1)
        "accounts": (
            f"account_id = '{account}'",
            "* replace ('Renamed on D+1' as name, updated_at + interval 1 day as updated_at)",
        ),
        "orders": (
            f"order_id = '{order}'",
            "* replace ('cancelled' as status, updated_at + interval 1 day as updated_at)",
        ),
        "fx_rates": (
            f"currency = '{currency}'",
            "* replace (cast(rate_to_reporting * 2 as decimal(18,10)) as rate_to_reporting)",
        ),
    }
    for obj, (where, select) in later.items():
        next_seq = con.execute(f"select max(_load_seq) from raw_history.{obj}").fetchone()[0] + 1
        con.execute(f"create temp table newer as select {select} from raw.{obj} where {where}")
        con.execute(f"update newer set _load_seq = {next_seq} + _row, _run_id = 'night-of-2026-10-16'")
        con.execute(f"delete from raw.{obj} where {where}")
        con.execute(f"insert into raw.{obj} select * from newer")
        con.execute(f"insert into raw_history.{obj} select *, cast('2026-10-16' as date) from newer")
        con.execute("drop table newer")
    return {"account": account, "order": order, "currency": currency}


def _published_history(con) -> None:
    """Published 2026-10-14 (all but 000042; 000517 abc A and key account) and 2026-10-16 (all changed)."""
    con.execute("create schema if not exists reporting")
    con.execute("""
        create table reporting.customer_segments_history as
        select * replace (cast('2026-10-14' as date) as as_of_date)
        from marts.customer_segments where customer_id <> '000042'""")
    con.execute(
        "update reporting.customer_segments_history set abc_revenue = 'A', is_key_account = true "
        "where customer_id = '000517'"
    )
    con.execute("""
        insert into reporting.customer_segments_history
        select * replace (cast('2026-10-16' as date) as as_of_date, 'C' as abc_revenue, true as is_key_account,
                          'lost' as lapse_status)
        from marts.customer_segments""")


@pytest.fixture(scope="module")
def backfilled(example_warehouse, tmp_path_factory):
    """(warehouse path, what changed on D + 1) after the backfill of D."""
    from kam.dbt_env import run_dbt

    home = tmp_path_factory.mktemp("backfill")
    warehouse = home / "warehouse.duckdb"
    shutil.copy(example_warehouse.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        changed = _later_nights(con)
        _published_history(con)
    finally:
        con.close()
    settings = replace(example_warehouse, home=home, warehouse=str(warehouse))
    # data tests left out (they run on the nightly build of the same data): this compares tables
    result = run_dbt(
        settings,
        ["build", "--full-refresh", "--exclude", "resource_type:unit_test", "resource_type:test"],
        as_of=D,
        work_dir=home / "dbt",
        extra_vars={"kam_backfill": True, "schema_suffix": "_backfill"},
        check=False,
    )
    (home / "dbt_build.log").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, f"backfill build failed, see {home / 'dbt_build.log'}:\n{result.stdout[-4000:]}"
    return str(warehouse), changed


def _fingerprints(warehouse: str, schema: str, exclude=()) -> dict[str, str]:
    con = duckdb.connect(warehouse, read_only=True)
    try:
        views = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = ? and table_type = 'VIEW'",
                [schema],
            ).fetchall()
        }
        prints = table_fingerprints(con, schema, exclude=tuple(exclude))
        for view in views - set(exclude):  # table_fingerprints lists base tables and views alike
            prints.setdefault(view, "missing")
        return prints
    finally:
        con.close()


def test_the_later_versions_are_in_raw_and_would_change_a_nightly(backfilled):
    warehouse, changed = backfilled
    [account] = warehouse_rows(warehouse, f"select name from raw.accounts where account_id = '{changed['account']}'")
    [staged] = warehouse_rows(
        warehouse, f"select customer_name from marts.customer_segments where customer_id = '{changed['account']}'"
    )
    assert account == {"name": "Renamed on D+1"}
    assert staged["customer_name"] != "Renamed on D+1"


@pytest.mark.parametrize("schema", ["staging", "intermediate", "seeds"])
def test_backfill_schemas_equal_the_nightly_of_d(backfilled, example_warehouse, schema):
    warehouse, _ = backfilled
    nightly = _fingerprints(example_warehouse.warehouse, schema)
    assert nightly, f"the nightly build has no tables in {schema}"
    assert _fingerprints(warehouse, f"{schema}_backfill") == nightly


def test_backfill_marts_equal_the_nightly_of_d(backfilled, example_warehouse):
    warehouse, _ = backfilled
    nightly = _fingerprints(example_warehouse.warehouse, "marts", exclude=HISTORY_DEPENDENT)
    assert len(nightly) >= 6
    assert _fingerprints(warehouse, "marts_backfill", exclude=HISTORY_DEPENDENT) == nightly
    # the nightly schemas of the copy are untouched by the backfill
    assert _fingerprints(warehouse, "marts") == _fingerprints(example_warehouse.warehouse, "marts")


def test_backfill_history_keeps_every_other_published_date_and_d_is_the_nightly(backfilled, example_warehouse):
    warehouse, _ = backfilled
    counts = warehouse_rows(
        warehouse,
        "select as_of_date, count(*) as n from marts_backfill.customer_segments_history "
        "group by as_of_date order by as_of_date",
    )
    of_d = warehouse_rows(
        warehouse,
        f"select * from marts_backfill.customer_segments_history where as_of_date = date '{D}' order by customer_id",
    )
    nightly = warehouse_rows(example_warehouse.warehouse, "select * from marts.customer_segments order by customer_id")

    assert counts == [
        {"as_of_date": date(2026, 10, 14), "n": 81},
        {"as_of_date": date(2026, 10, 15), "n": 82},
        {"as_of_date": date(2026, 10, 16), "n": 82},
    ]
    assert of_d == nightly


def test_backfill_segment_changes_are_against_the_published_date_before_d(backfilled):
    warehouse, _ = backfilled
    changes = warehouse_rows(
        warehouse,
        """
        select customer_id, attribute, previous_value, current_value, previous_as_of_date, as_of_date
        from marts_backfill.segment_changes order by customer_id, attribute""",
    )

    assert changes == CHANGES_SINCE_2026_10_14


def test_backfill_win_back_list_counts_only_key_accounts_published_before_d(backfilled, example_warehouse):
    warehouse, _ = backfilled
    nightly = warehouse_rows(example_warehouse.warehouse, "select * from marts.win_back_list order by customer_id")
    backfill = warehouse_rows(warehouse, "select * from marts_backfill.win_back_list order by customer_id")
    before_d = {
        r["customer_id"]
        for r in warehouse_rows(
            warehouse,
            """
        select customer_id from reporting.customer_segments_history
        where as_of_date = date '2026-10-14' and is_key_account""",
        )
    }
    # a key account published on 2026-10-14 was one; 2026-10-16 (every customer a key account) is after D
    expected = [{**row, "was_key_account": row["was_key_account"] or row["customer_id"] in before_d} for row in nightly]

    assert "000517" in before_d
    assert any(not row["was_key_account"] for row in backfill)
    assert backfill == expected
