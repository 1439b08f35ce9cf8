"""The next night's incremental build recomputes only the orders and customers that changed, and equals a full refresh.

Two nights on a small generated drop (bench.generate_scale, 20k lines; the next
night adds new orders and deliveries of open orders). After night 1 the warehouse
is copied twice: a *probe* copy whose rows of the incremental order models are all
marked (int_orders: a line count no order has; int_customer_order_days and
int_customer_months: a purchase count no customer has), and a *full-refresh* copy.
Night 2 extracts the delta into all three; the original and the probe build
incrementally, the copy with `--full-refresh`. In the probe, the unmarked rows are
exactly the recomputed ones: the orders loaded or changed on night 2 (raw `_load_seq`
above night 1's), and every row of their customers, a small part of each table. Every
intermediate and mart table of the incremental build must equal the full refresh row
for row.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pytest

from bench.compare import compare_warehouses
from bench.generate_scale import generate, make_delta
from kam.config import load_settings

pytestmark = pytest.mark.slow

AS_OF = date(2026, 11, 21)
MARK = 987654321  # added to a count of every row of the probe: no real row has it
PROBED = {
    "int_orders": "line_count",
    "int_customer_order_days": "purchase_orders",
    "int_customer_months": "purchase_orders",
}


def _settings(home, drop, warehouse):
    return replace(
        load_settings(),
        home=home,
        orders_source=str(drop / "erp"),
        crm_source=str(drop / "crm"),
        warehouse=str(warehouse),
        reporting_db=str(home / "reporting.duckdb"),
        export_dir=home / "exports",
        report_dir=home / "reports",
    )


def _dbt(settings, as_of, *args):
    from kam.dbt_env import run_dbt

    result = run_dbt(settings, [*args], as_of=as_of, check=False)
    if result.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} as-of {as_of} failed:\n{result.stdout[-4000:]}")


def _query(warehouse, sql):
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    from kam.extract import extract_all

    root = tmp_path_factory.mktemp("two_nights")
    drop, next_drop = root / "drop", root / "drop_next"
    generate(drop, 20_000, AS_OF)
    delta = make_delta(next_drop, drop, AS_OF)
    next_day = AS_OF + timedelta(days=1)

    homes = {name: root / name for name in ("incremental", "probe", "full_refresh")}
    for home in homes.values():
        home.mkdir()
    incremental = _settings(homes["incremental"], drop, homes["incremental"] / "warehouse.duckdb")
    extract_all(incremental, "night_1", AS_OF)
    _dbt(incremental, AS_OF, "seed")
    _dbt(incremental, AS_OF, "run")
    night_1 = _query(
        incremental.warehouse,
        """
        select (select max(_load_seq) from raw.orders), (select max(_load_seq) from raw.order_lines),
               (select count(*) from intermediate.int_orders)""",
    )[0]

    for name in ("probe", "full_refresh"):
        shutil.copy2(incremental.warehouse, homes[name] / "warehouse.duckdb")
    probe = _settings(homes["probe"], next_drop, homes["probe"] / "warehouse.duckdb")
    full_refresh = _settings(homes["full_refresh"], next_drop, homes["full_refresh"] / "warehouse.duckdb")
    for model, column in PROBED.items():
        _query(probe.warehouse, f"update intermediate.{model} set {column} = {column} + {MARK}")

    incremental = replace(incremental, orders_source=str(next_drop / "erp"), crm_source=str(next_drop / "crm"))
    for settings in (incremental, probe, full_refresh):
        extract_all(settings, "night_2", next_day)
    _dbt(incremental, next_day, "run")
    _dbt(probe, next_day, "run", "--select", *PROBED)
    _dbt(full_refresh, next_day, "run", "--full-refresh")
    return {
        "incremental": incremental,
        "probe": probe,
        "full_refresh": full_refresh,
        "night_1": night_1,
        "delta": delta,
    }


def _touched_orders(nights) -> str:
    """The orders night 2 loaded or changed (an order or one of its lines loaded after night 1), as SQL."""
    orders_seq, lines_seq, _ = nights["night_1"]
    return f"""
        select order_id from raw.orders where _load_seq > {orders_seq}
        union
        select l.order_id from raw.order_lines as l
        where l._load_seq > {lines_seq} and exists (select 1 from raw.orders as o where o.order_id = l.order_id)"""


def _recomputed(nights, model, *key):
    column = PROBED[model]
    return set(
        _query(nights["probe"].warehouse, f"select {', '.join(key)} from intermediate.{model} where {column} < {MARK}")
    )


def test_second_night_recomputes_only_the_changed_orders(nights):
    _, _, night_1_orders = nights["night_1"]
    recomputed = _recomputed(nights, "int_orders", "order_id")
    expected = set(_query(nights["probe"].warehouse, _touched_orders(nights)))
    delta = nights["delta"]
    assert delta["new_orders"] > 0 and delta["delivered_orders"] > 0
    assert len(expected) >= delta["new_orders"] + delta["delivered_orders"] > 0
    assert recomputed == expected
    assert len(recomputed) < night_1_orders / 20  # one day of changes, not the history


@pytest.mark.parametrize(
    ("model", "period"), [("int_customer_order_days", "order_date"), ("int_customer_months", "month_start")]
)
def test_second_night_recomputes_only_the_customers_of_changed_orders(nights, model, period):
    touched = f"select customer_id from raw.orders where order_id in ({_touched_orders(nights)})"
    expected = set(
        _query(
            nights["probe"].warehouse,
            f"select customer_id, {period} from intermediate.{model} where customer_id in ({touched})",
        )
    )
    recomputed = _recomputed(nights, model, "customer_id", period)
    [(rows,)] = _query(nights["probe"].warehouse, f"select count(*) from intermediate.{model}")
    assert expected and recomputed == expected
    assert len(recomputed) < rows / 2  # the customers of one day's orders (20k lines: few customers), not all


def test_orders_hold_every_line_once(nights):
    lines, raw_lines = _query(
        nights["incremental"].warehouse,
        """
        select (select sum(line_count) from intermediate.int_orders),
               (select count(*) from raw.order_lines as l
                where exists (select 1 from raw.orders as o where o.order_id = l.order_id))""",
    )[0]
    assert lines == raw_lines


@pytest.mark.parametrize("schema", ["intermediate", "marts"])
def test_incremental_equals_full_refresh(nights, schema):
    result = compare_warehouses(nights["incremental"].warehouse, nights["full_refresh"].warehouse, schema=schema)
    assert {name for name, t in result["tables"].items() if not t["equal"]} == set()
    assert result["tables"]["int_orders" if schema == "intermediate" else "customer_segments"]["rows"] > 0
