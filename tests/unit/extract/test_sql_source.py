"""The order system as a SQL database (SQLite built with sqlite3): typed values, incremental reads."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from decimal import Decimal

import pytest
from extract_helpers import AS_OF

from kam.extract import ExtractError, extract_erp

ORDERS_DDL = (
    "create table orders (order_id integer, customer_id text, order_date text, promised_date text, "
    "delivered_date text, status text, currency text, updated_at text, sales_channel text)"
)
LINES_DDL = (
    "create table order_lines (order_id integer, line_number integer, product_id text, "
    "product_category text, quantity real, delivered_quantity real, unit_price numeric, "
    "unit_cost real, updated_at text)"
)


def make_db(path, orders=(), lines=(), fx=None):
    con = sqlite3.connect(path)
    con.execute(ORDERS_DDL)
    con.execute(LINES_DDL)
    con.executemany("insert into orders values (?, ?, ?, ?, ?, ?, ?, ?, ?)", orders)
    con.executemany("insert into order_lines values (?, ?, ?, ?, ?, ?, ?, ?, ?)", lines)
    if fx is not None:
        con.execute("create table fx_rates (currency text, rate_date text, rate_to_reporting real)")
        con.executemany("insert into fx_rates values (?, ?, ?)", fx)
    con.commit()
    return con


def o(order_id, updated_at, status="placed", customer_id="C1", order_date="2026-01-10"):
    return (order_id, customer_id, order_date, None, "", status, "eur", updated_at, "web")


@pytest.fixture
def db(env, tmp_path):
    path = tmp_path / "erp.sqlite"
    con = make_db(
        path,
        orders=[
            o(517, "2026-01-10T10:00:00Z"),
            o(518, "2026-01-10 23:30:00-05:00"),
            o(519, "2026-01-10T10:00:00Z", status="lost"),
        ],
        lines=[
            (517, 1, "P1", None, 2.0, None, "10.25", 7.5, "2026-01-10T10:00:00Z"),
            (517, 2.0, "P2", "tools", 0.5, 0.5, 3, None, "2026-01-10T10:00:00Z"),
        ],
    )
    env.with_orders_source(f"sqlite:///{path}")
    yield con
    con.close()


def test_sqlite_source_loads_typed_text(env, db):
    report = extract_erp(env.settings, "n1", AS_OF)
    assert env.query(
        "select order_id, currency, promised_date, delivered_date, updated_at, _source, _row from raw.orders order by 1"
    ) == [
        ("517", "EUR", None, None, datetime(2026, 1, 10, 10, 0), "table:orders", 1),
        ("518", "EUR", None, None, datetime(2026, 1, 11, 4, 30), "table:orders", 2),
    ]
    assert env.query(
        "select order_id, line_number, quantity, delivered_quantity, unit_price, unit_cost "
        "from raw.order_lines order by 2"
    ) == [
        ("517", 1, Decimal("2"), None, Decimal("10.25"), Decimal("7.5")),
        ("517", 2, Decimal("0.5"), Decimal("0.5"), Decimal("3"), None),
    ]
    ((reason, source, row, raw),) = env.query("select reason, source, row_number, raw from quarantine.rows")
    assert (reason, source, row) == ("status: not in enumeration: 'lost'", "table:orders", 3)
    assert json.loads(raw)["order_id"] == "519"
    assert report.objects["orders"].rows_read == 3
    assert report.objects["fx_rates"].rows_read == 0  # optional table absent


def test_incremental_read_from_watermark_minus_lookback(env, db, monkeypatch):
    monkeypatch.setenv("KAM_EXTRACT_LOOKBACK_HOURS", "24")
    extract_erp(env.settings, "n1", AS_OF)  # watermark 2026-01-11 04:30 UTC
    # changed in place with an old updated_at: outside the read window, so not re-read
    db.execute("update orders set customer_id = 'C-OLD', updated_at = '2026-01-05T00:00:00Z' where order_id = 517")
    # a new version inside the window, written with an offset across midnight
    db.execute(
        "insert into orders values (?, ?, ?, ?, ?, ?, ?, ?, ?)", o(520, "2026-01-12T01:00:00+03:00", status="shipped")
    )
    db.commit()
    report = extract_erp(env.settings, "n2", AS_OF)
    assert report.objects["orders"].rows_read == 3  # 518, 519 and 520: on/after 2026-01-09 by date prefix
    assert env.query("select order_id, customer_id, status from raw.orders order by 1") == [
        ("517", "C1", "placed"),
        ("518", "C1", "placed"),
        ("520", "C1", "shipped"),
    ]
    assert report.objects["orders"].watermark == datetime(2026, 1, 11, 22, 0)


def test_rereading_rows_changes_nothing_and_quarantines_once(env, db):
    extract_erp(env.settings, "n1", AS_OF)
    raw_before = env.query("select * from raw.orders order by order_id")
    report = extract_erp(env.settings, "n2", AS_OF)  # same rows, inside the lookback window
    assert report.objects["orders"].rows_read == 3
    assert report.objects["orders"].rows_quarantined == 0
    assert report.objects["orders"].raw_rows_changed == 0
    assert env.query("select * from raw.orders order by order_id") == raw_before
    assert env.query("select count(*) from quarantine.rows") == [(1,)]


def test_newer_version_in_table_replaces(env, db):
    extract_erp(env.settings, "n1", AS_OF)
    db.execute("update orders set status = 'shipped', updated_at = '2026-01-12T00:00:00Z' where order_id = 517")
    db.commit()
    report = extract_erp(env.settings, "n2", AS_OF)
    assert env.query("select status, _run_id from raw.orders where order_id = '517'") == [("shipped", "n2")]
    assert report.objects["orders"].raw_rows_changed == 1


def test_fx_rates_table_read_whole_every_night(env, tmp_path):
    path = tmp_path / "fx.sqlite"
    con = make_db(path, fx=[("usd", "2026-01-01", 0.9)])
    env.with_orders_source(f"sqlite:///{path}")
    extract_erp(env.settings, "n1", AS_OF)
    con.execute("update fx_rates set rate_to_reporting = 0.8")
    con.commit()
    report = extract_erp(env.settings, "n2", AS_OF)
    assert report.objects["fx_rates"].rows_read == 1
    assert env.query("select currency, rate_date, cast(rate_to_reporting as double) from raw.fx_rates") == [
        ("USD", date(2026, 1, 1), 0.8)
    ]
    con.close()


def test_missing_table_and_missing_column_are_clear_errors(env, tmp_path):
    path = tmp_path / "broken.sqlite"
    con = sqlite3.connect(path)
    con.execute("create table orders (order_id text, customer_id text)")
    con.commit()
    env.with_orders_source(f"sqlite:///{path}")
    with pytest.raises(ExtractError, match=r"orders: required column 'order_date' missing in table:orders"):
        extract_erp(env.settings, "n1", AS_OF)
    con.execute("drop table orders")
    con.execute(ORDERS_DDL)
    con.commit()
    with pytest.raises(ExtractError, match=r"order_lines: table 'order_lines' not found"):
        extract_erp(env.settings, "n1", AS_OF)
    con.close()
    assert env.query("select count(*) from raw.orders") == [(0,)]


def test_unreachable_database_is_a_clear_error(env, tmp_path):
    env.with_orders_source(f"sqlite:///{tmp_path / 'no_such_dir' / 'erp.sqlite'}")
    with pytest.raises(ExtractError, match=r"no_such_dir/erp\.sqlite"):
        extract_erp(env.settings, "n1", AS_OF)


def test_each_table_read_is_a_source_read_with_its_version(env, db):
    extract_erp(env.settings, "n1", AS_OF)
    extract_erp(env.settings, "n2", AS_OF)  # watermark 2026-01-11 04:30, lookback 72h, one day earlier still
    assert env.query(
        "select run_id, source, version, rows_read, rows_bad from meta.source_reads "
        "where object = 'orders' order by read_at"
    ) == [
        ("n1", "table:orders", "table:all:3:2026-01-11 04:30:00", 3, 1),
        ("n2", "table:orders", "table:2026-01-07:3:2026-01-11 04:30:00", 3, 1),
    ]
    assert env.query("select version, key_text, as_of_date from quarantine.rows") == [
        ("table:all:3:2026-01-11 04:30:00", "519", AS_OF)
    ]  # quarantined once, by its first read
