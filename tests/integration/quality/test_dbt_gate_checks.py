"""The gate's model checks are dbt tests (dbt_project/tests/gate/): on the worked example built
by dbt, broken candidates fail exactly the broken checks with the observed value, the failing rows
are kept (test_failures, test_failures_backfill for a backfill), and warnings never block."""

from __future__ import annotations

import shutil
from dataclasses import replace

import duckdb
import pytest

from kam.dbt_env import run_dbt
from kam.dbt_results import read_build_outcome
from kam.quality.dbt_checks import dbt_checks
from kam.warehouse import warehouse_of
from tests.integration.conftest import EXAMPLE_AS_OF

BLOCKING = ["abc_revenue_iff_revenue", "class_a_share", "one_row_per_customer", "revenue_shares_sum_to_one"]
WARNINGS = ["margin_coverage_low", "order_lines_without_order", "orders_unknown_customer", "orders_without_rate"]
EXAMPLE_WARNINGS = {
    "margin_coverage_low": (
        "7 customers have margin_coverage below 0.9 (overall coverage 97.8%): their gross margin misses unknown costs"
    ),
    "order_lines_without_order": (
        "8 order lines of 7 orders that are not in raw.orders as of 2026-10-15 (e.g. SO099999 line 1, "
        "SO101931 line 1, SO101931 line 2, SO101932 line 1, SO101933 line 1, SO101934 line 1, "
        "SO101935 line 1, SO101936 line 1): kept in the model and reported"
    ),
    "orders_unknown_customer": "80 orders of 3 customers without a CRM account (e.g. 000880, C88001, C88017)",
    "orders_without_rate": "12 orders without an exchange rate to EUR (GBP 12): they add zero revenue",
}
BACKFILL = {"kam_backfill": True, "schema_suffix": "_backfill"}


class Candidates:
    """A copy of the example warehouse to break, and the gate's dbt checks of a `dbt test` on it."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.target = settings.home / "dbt" / "target"

    def sql(self, *statements: str) -> list:
        con = duckdb.connect(self.settings.warehouse)
        try:
            return [con.execute(statement).fetchall() for statement in statements][-1]
        finally:
            con.close()

    def checks(self, outcome: dict) -> dict:
        con = duckdb.connect(self.settings.warehouse, read_only=True)
        try:
            return {c.name: c for c in dbt_checks(outcome, warehouse_of(con))}
        finally:
            con.close()

    def dbt(self, command: str = "test", *select: str, **dbt_vars) -> dict:
        """`dbt <command> --select <select>` (the gate tests by default): the gate's dbt checks by name."""
        (self.target / "run_results.json").unlink(missing_ok=True)
        result = run_dbt(
            self.settings,
            [command, "--select", *(select or ["path:tests/gate"])],
            as_of=EXAMPLE_AS_OF,
            extra_vars=dbt_vars or None,
            check=False,
        )
        outcome = read_build_outcome(self.target)
        assert outcome, result.stdout[-3000:]
        return self.checks(outcome)


@pytest.fixture(scope="module")
def gate_settings(example_warehouse, tmp_path_factory):
    """One home for every test of the module, so dbt parses the project once."""
    home = tmp_path_factory.mktemp("dbt_gate")
    return replace(example_warehouse, home=home, warehouse=str(home / "warehouse.duckdb"))


@pytest.fixture
def candidates(example_warehouse, gate_settings) -> Candidates:
    shutil.copyfile(example_warehouse.warehouse, gate_settings.warehouse)
    return Candidates(gate_settings)


def _failed(checks: dict) -> list[str]:
    return [name for name, check in checks.items() if check.blocking and not check.passed]


def test_the_example_build_passes_every_blocking_check_and_warns_as_its_readme_says(example_warehouse, candidates):
    checks = candidates.checks(read_build_outcome(example_warehouse.home / "dbt" / "target"))
    assert list(checks) == ["dbt_tests", *BLOCKING, *WARNINGS]
    assert _failed(checks) == []
    assert [name for name, c in checks.items() if not c.blocking and not c.passed] == WARNINGS
    [(a_share,)] = candidates.sql(
        "select sum(revenue_share) filter (where abc_revenue = 'A') from marts.customer_segments"
    )
    assert (checks["class_a_share"].observed, checks["class_a_share"].threshold) == (pytest.approx(a_share), 0.8)
    assert checks["revenue_shares_sum_to_one"].observed == pytest.approx(1.0)
    assert checks["one_row_per_customer"].observed == 0 and checks["one_row_per_customer"].message
    # the example's oracle_info.json: customers without account, orders without rate, lines without order;
    # every failing row is kept in test_failures
    unknown = checks["orders_unknown_customer"]
    assert (
        unknown.observed
        == candidates.sql(
            "select count(*) from intermediate.int_orders where order_date <= date '2026-10-15' "
            "and customer_id not in (select account_id from staging.stg_crm__accounts)"
        )[0][0]
    )
    assert candidates.sql("select distinct customer_id from test_failures.orders_unknown_customer order by 1") == [
        ("000880",),
        ("C88001",),
        ("C88017",),
    ]
    assert unknown.details["sample"][0]["customers"] == 3 and len(unknown.details["sample"]) == 10
    assert checks["orders_without_rate"].observed == 12
    assert checks["order_lines_without_order"].observed == 8
    margin = checks["margin_coverage_low"]
    assert (margin.observed, margin.threshold, margin.blocking) == (7, 0.9, False)
    assert margin.details["sample"][0]["customer_id"] == "C15237"  # the largest revenue below 0.9 first
    assert margin.action == "fill unit_cost on the order lines in the ERP"
    assert checks["dbt_tests"].passed
    # worded as reporting.pipeline_runs.warnings has always published them
    assert {name: checks[name].message for name in WARNINGS} == EXAMPLE_WARNINGS
    assert "message" not in unknown.details["sample"][0]


def test_customer_grain_and_abc_population_each_count_their_own_rows(candidates):
    candidates.sql(
        # customers without revenue: one twice, one missing, one without id, and C6792, a deleted
        # account without orders, that is no customer
        "insert into marts.customer_segments select * from marts.customer_segments where customer_id = 'C11603'",
        "delete from marts.customer_segments where customer_id = 'C12003'",
        "insert into marts.customer_segments select * replace ('C6792' as customer_id) "
        "from marts.customer_segments where customer_id = 'C12128'",
        "insert into marts.customer_segments select * replace (null as customer_id) "
        "from marts.customer_segments where customer_id = 'C13523'",
        # a class without revenue, revenue without a class
        "update marts.customer_segments set abc_revenue = 'C' where customer_id = 'C15843'",
        "update marts.customer_segments set abc_revenue = null where customer_id = 'C2120'",
    )
    checks = candidates.dbt()
    assert _failed(checks) == ["abc_revenue_iff_revenue", "one_row_per_customer"]
    grain = checks["one_row_per_customer"]
    assert (grain.observed, grain.threshold) == (4, 0)
    assert [(r["problem"], r["customer_id"]) for r in grain.details["sample"]] == [
        ("duplicate", "C11603"),
        ("missing", "C12003"),
        ("no customer_id", None),
        ("not a customer", "C6792"),
    ]
    assert grain.action.startswith("fix the customer grain")
    abc = checks["abc_revenue_iff_revenue"]
    assert abc.observed == 2
    assert {(r["customer_id"], r["problem"]) for r in abc.details["sample"]} == {
        ("C15843", "class without revenue"),
        ("C2120", "revenue without class"),
    }
    assert abc.message == (
        "not met: abc_revenue is set exactly for the customers with revenue_12m > 0 "
        "(failing rows: test_failures.abc_revenue_iff_revenue)"
    )


def test_revenue_shares_and_class_a_share_fail_with_the_observed_share(candidates):
    candidates.sql(
        "update marts.customer_segments set revenue_share = revenue_share + 0.04 where customer_id = 'C2120'",
        "update marts.customer_segments set abc_revenue = 'B' where customer_id = 'C19174'",
    )
    [(a_share,)] = candidates.sql(
        "select sum(revenue_share) filter (where abc_revenue = 'A') from marts.customer_segments"
    )
    checks = candidates.dbt()
    assert _failed(checks) == ["class_a_share", "revenue_shares_sum_to_one"]
    assert (checks["revenue_shares_sum_to_one"].observed, checks["revenue_shares_sum_to_one"].threshold) == (
        pytest.approx(1.04),
        1.0,
    )
    assert checks["class_a_share"].observed == pytest.approx(a_share) and a_share < 0.6
    assert checks["class_a_share"].details["sample"][0]["class_a_customers"] == 17
    assert checks["class_a_share"].details["failing_rows"] == "test_failures.class_a_share"


def test_no_revenue_at_all_fails_the_shares_and_class_a_is_not_applicable(candidates):
    candidates.sql("update marts.customer_segments set revenue_12m = 0, revenue_share = null, abc_revenue = null")
    checks = candidates.dbt()
    assert _failed(checks) == ["revenue_shares_sum_to_one"]
    assert checks["revenue_shares_sum_to_one"].observed == 0
    assert checks["class_a_share"].passed and checks["class_a_share"].observed is None
    assert checks["margin_coverage_low"].passed and checks["margin_coverage_low"].observed == 0


def test_limits_are_inclusive_and_the_run_vars_are_the_thresholds(candidates):
    [(a_share,)] = candidates.sql(
        "update marts.customer_segments set revenue_share = revenue_share + 0.0000005 where customer_id = 'C2120'",
        "update marts.customer_segments set margin_coverage = 0.5 where customer_id = 'C9169'",
        "select sum(revenue_share) filter (where abc_revenue = 'A') from marts.customer_segments",
    )
    checks = candidates.dbt(abc_a_share=a_share, margin_coverage_min=0.5)
    assert _failed(checks) == []
    assert checks["revenue_shares_sum_to_one"].observed == pytest.approx(1.0000005, abs=1e-9)
    assert (checks["class_a_share"].observed, checks["class_a_share"].threshold) == (pytest.approx(a_share), a_share)
    margin = checks["margin_coverage_low"]  # 0.0 and 0.34 are below 0.5; C9169's 0.5 is not
    assert (margin.observed, margin.threshold) == (2, 0.5)
    assert [r["customer_id"] for r in margin.details["sample"]] == ["C9864", "000042"]


def test_order_warnings_count_the_raw_rows_of_d_and_never_block(candidates):
    candidates.sql(
        # C09: an order before the window, of a customer without account, in CHF without any rate
        "insert into raw.orders (order_id, customer_id, order_date, status, currency, updated_at, _load_seq) "
        "values ('SO900001', 'C09', '2024-05-01', 'delivered', 'CHF', '2024-05-02 08:00:00', "
        "(select max(_load_seq) + 1 from raw.orders))",
        # three lines of an order that never arrived, one of an order that did
        "insert into raw.order_lines (order_id, line_number, quantity, unit_price, updated_at) "
        "values ('SO404', 1, 2, 1, '2026-10-15 08:00:00'), ('SO404', 2, 1, 1, '2026-10-15 08:00:00'), "
        "('SO404', 3, 1, 1, '2026-10-15 08:00:00'), "
        "('SO900001', 1, 1, 1, '2024-05-02 08:00:00')",
        "insert into marts.customer_segments select * replace ('C09' as customer_id) "
        "from marts.customer_segments where customer_id = 'C12128'",
    )
    checks = candidates.dbt("build", "int_orders", "path:tests/gate")
    assert _failed(checks) == [] and checks["dbt_tests"].passed
    assert checks["orders_unknown_customer"].observed == 81
    assert checks["orders_unknown_customer"].details["sample"][0]["customers"] == 4
    assert candidates.sql("select count(*) from test_failures.orders_unknown_customer where customer_id = 'C09'") == [
        (1,)
    ]
    assert checks["orders_unknown_customer"].message == (
        "81 orders of 4 customers without a CRM account (e.g. 000880, C09, C88001, C88017)"
    )
    assert checks["orders_without_rate"].observed == 13
    assert checks["orders_without_rate"].message == (
        "13 orders without an exchange rate to EUR (CHF 1, GBP 12): they add zero revenue"
    )
    assert candidates.sql(
        "select currency, order_id from test_failures.orders_without_rate where customer_id = 'C09'"
    ) == [("CHF", "SO900001")]
    lines = checks["order_lines_without_order"]
    assert (lines.observed, lines.details["sample"][0]["orders"]) == (11, 8)
    assert candidates.sql(
        "select line_number from test_failures.order_lines_without_order where order_id = 'SO404' order by 1"
    ) == [(1,), (2,), (3,)]
    assert lines.message == (  # the first ten lines, by order_id in binary order then line_number
        "11 order lines of 8 orders that are not in raw.orders as of 2026-10-15 (e.g. SO099999 line 1, "
        "SO101931 line 1, SO101931 line 2, SO101932 line 1, SO101933 line 1, SO101934 line 1, "
        "SO101935 line 1, SO101936 line 1, SO404 line 1, SO404 line 2): kept in the model and reported"
    )
    assert all(not checks[name].blocking and not checks[name].passed for name in WARNINGS)


def test_a_backfill_judges_the_customers_as_of_d_and_keeps_its_rows_apart(candidates):
    # an account created on D + 1: in raw, and in raw_history as loaded on D + 1
    candidates.sql(
        "insert into raw.accounts (account_id, name, is_deleted, updated_at) "
        "values ('C10000', 'New', false, '2026-10-16 09:00:00')",
        "insert into raw_history.accounts by name select *, date '2026-10-16' as _as_of_date "
        "from raw.accounts where account_id = 'C10000'",
        "create schema marts_backfill",
        "create table marts_backfill.customer_segments as select * from marts.customer_segments",
    )
    nightly = candidates.dbt("test", "one_row_per_customer")["one_row_per_customer"]
    assert not nightly.passed
    assert [(r["problem"], r["customer_id"]) for r in nightly.details["sample"]] == [("missing", "C10000")]
    candidates.dbt("run", "path:models/staging", "int_orders", **BACKFILL)
    backfill = candidates.dbt("test", "one_row_per_customer", "order_lines_without_order", **BACKFILL)
    assert backfill["one_row_per_customer"].passed
    assert backfill["one_row_per_customer"].details["failing_rows"] == "test_failures_backfill.one_row_per_customer"
    assert candidates.sql("select count(*) from test_failures.one_row_per_customer") == [(1,)]
    lines = backfill["order_lines_without_order"]
    assert lines.message.startswith(  # the orders a backfill reads: raw_history's versions as of D
        "8 order lines of 7 orders that are not in raw_history.orders (as of 2026-10-15) as of 2026-10-15 (e.g. "
    )
