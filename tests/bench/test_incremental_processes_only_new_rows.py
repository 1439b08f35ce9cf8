"""The next night's incremental build recomputes only the orders that changed, and equals a full refresh.

Two nights on a small generated drop (bench.generate_scale, 20k lines; the next
night adds new orders and deliveries of open orders). After night 1 the warehouse
is copied twice: a *probe* copy whose int_order_lines rows are all marked (a
quantity no line has), and a *full-refresh* copy. Night 2 extracts the delta into
all three; the original and the probe build incrementally, the copy with
`--full-refresh`. In the probe, the unmarked lines are exactly the recomputed ones:
they must be the lines of the orders loaded or changed on night 2 (raw `_load_seq`
above night 1's), a small part of the table. Every intermediate and mart table of
the incremental build must equal the full refresh row for row.
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
MARK = 987654321  # added to every quantity of the probe: no real line has it


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
               (select count(*) from intermediate.int_order_lines)""",
    )[0]

    for name in ("probe", "full_refresh"):
        shutil.copy2(incremental.warehouse, homes[name] / "warehouse.duckdb")
    probe = _settings(homes["probe"], next_drop, homes["probe"] / "warehouse.duckdb")
    full_refresh = _settings(homes["full_refresh"], next_drop, homes["full_refresh"] / "warehouse.duckdb")
    _query(probe.warehouse, f"update intermediate.int_order_lines set quantity = quantity + {MARK}")

    incremental = replace(incremental, orders_source=str(next_drop / "erp"), crm_source=str(next_drop / "crm"))
    for settings in (incremental, probe, full_refresh):
        extract_all(settings, "night_2", next_day)
    _dbt(incremental, next_day, "run")
    _dbt(probe, next_day, "run", "--select", "int_order_lines")
    _dbt(full_refresh, next_day, "run", "--full-refresh")
    return {
        "incremental": incremental,
        "probe": probe,
        "full_refresh": full_refresh,
        "night_1": night_1,
        "delta": delta,
    }


def test_second_night_recomputes_only_the_lines_of_changed_orders(nights):
    orders_seq, lines_seq, night_1_lines = nights["night_1"]
    recomputed = set(
        _query(
            nights["probe"].warehouse,
            f"""
        select order_id, line_number from intermediate.int_order_lines where quantity < {MARK}""",
        )
    )
    expected = set(
        _query(
            nights["probe"].warehouse,
            f"""
        with touched as (
            select order_id from raw.orders where _load_seq > {orders_seq}
            union
            select order_id from raw.order_lines where _load_seq > {lines_seq}
        )
        select l.order_id, l.line_number
        from raw.order_lines as l
        inner join raw.orders as o on o.order_id = l.order_id
        where l.order_id in (select order_id from touched)""",
        )
    )
    delta = nights["delta"]
    assert delta["new_orders"] > 0 and delta["delivered_orders"] > 0
    assert len(expected) >= delta["new_lines"] + delta["delivered_lines"] > 0
    assert recomputed == expected
    assert len(recomputed) < night_1_lines / 20  # one day of changes, not the history


def test_order_models_hold_every_line_once(nights):
    lines, raw_lines = _query(
        nights["incremental"].warehouse,
        """
        select (select count(*) from intermediate.int_order_lines),
               (select count(*) from raw.order_lines as l
                where exists (select 1 from raw.orders as o where o.order_id = l.order_id))""",
    )[0]
    assert lines == raw_lines


@pytest.mark.parametrize("schema", ["intermediate", "marts"])
def test_incremental_equals_full_refresh(nights, schema):
    result = compare_warehouses(nights["incremental"].warehouse, nights["full_refresh"].warehouse, schema=schema)
    assert {name for name, t in result["tables"].items() if not t["equal"]} == set()
    assert result["tables"]["int_order_lines" if schema == "intermediate" else "customer_segments"]["rows"] > 0
