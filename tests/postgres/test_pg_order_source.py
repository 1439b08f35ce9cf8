"""The order system as a PostgreSQL database: typed columns, incremental by updated_at, streamed in chunks."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import duckdb
import psycopg2
import pytest

from kam.config import load_settings
from kam.extract import extract_erp, sql_reader

pytestmark = pytest.mark.postgres

SOURCE_DDL = (
    "create table orders (order_id integer primary key, customer_id text not null, order_date date, "
    "promised_date date, delivered_date date, status text, currency char(3), updated_at timestamptz, "
    "sales_channel text)",
    "create table order_lines (order_id integer, line_number integer, product_id text, product_category text, "
    "quantity numeric(12,3), delivered_quantity numeric(12,3), unit_price numeric(12,4), unit_cost numeric, "
    "updated_at timestamptz, primary key (order_id, line_number))",
    "create table fx_rates (currency char(3), rate_date date, rate_to_reporting numeric(18,10))",
)


@pytest.fixture
def source(pg_cluster):
    url = pg_cluster.create_database(f"erp_source_{uuid.uuid4().hex[:8]}")
    con = psycopg2.connect(url)
    with con, con.cursor() as cur:
        for ddl in SOURCE_DDL:
            cur.execute(ddl)
        cur.execute("set timezone = 'America/New_York'")  # offsets in the data, not the session, decide
        cur.execute("""insert into orders values
            (517, '0042', '2026-10-01', '2026-10-08', null, 'placed', 'usd', '2026-10-01 10:00:00+00', 'web'),
            (518, 'C7', '2026-10-15', null, '2026-10-15', 'Delivered', 'EUR', '2026-10-15 23:30:00-05:00', null),
            (519, 'C7', '2026-10-05', null, null, 'lost', 'EUR', '2026-10-05 12:00:00+02', null)""")
        cur.execute("""insert into order_lines values
            (517, 1, 'P1', null, 2.000, null, 10.2500, 7.5, '2026-10-01 10:00:00+00'),
            (518, 1, 'P2', 'tools', 0.500, 0.500, 3, null, '2026-10-15 23:30:00-05:00')""")
        cur.execute("insert into fx_rates values ('USD', '2026-10-01', 0.9123456789)")
    yield url, con
    con.close()


@pytest.fixture
def settings(tmp_path, source, monkeypatch):
    monkeypatch.setattr(sql_reader, "CHUNK_ROWS", 1)  # every row its own chunk: the streaming path
    return replace(
        load_settings(), home=tmp_path, orders_source=source[0], warehouse=str(tmp_path / "warehouse.duckdb")
    )


def query(settings, sql):
    con = duckdb.connect(settings.warehouse, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_typed_postgres_columns_load_as_the_contract_says(settings):
    report = extract_erp(settings, "n1", date(2026, 10, 16))
    assert report.objects["orders"].rows_read == 3
    assert query(
        settings,
        "select order_id, customer_id, order_date, promised_date, delivered_date, status, "
        "currency, updated_at, _source, _row from raw.orders order by order_id",
    ) == [
        (
            "517",
            "0042",
            date(2026, 10, 1),
            date(2026, 10, 8),
            None,
            "placed",
            "USD",
            datetime(2026, 10, 1, 10, 0),
            "table:orders",
            1,
        ),
        (
            "518",
            "C7",
            date(2026, 10, 15),
            None,
            date(2026, 10, 15),
            "delivered",
            "EUR",
            datetime(2026, 10, 16, 4, 30),
            "table:orders",
            2,
        ),
    ]
    assert query(
        settings,
        "select order_id, line_number, quantity, delivered_quantity, unit_price, unit_cost "
        "from raw.order_lines order by order_id",
    ) == [
        ("517", 1, Decimal("2"), None, Decimal("10.25"), Decimal("7.5")),
        ("518", 1, Decimal("0.5"), Decimal("0.5"), Decimal("3"), None),
    ]
    assert query(settings, "select currency, rate_date, rate_to_reporting from raw.fx_rates") == [
        ("USD", date(2026, 10, 1), Decimal("0.9123456789"))
    ]
    assert query(settings, "select reason, source, row_number from quarantine.rows") == [
        ("status: not in enumeration: 'lost'", "table:orders", 3)
    ]
    assert query(settings, "select watermark from meta.watermarks where object = 'orders'") == [
        (datetime(2026, 10, 16, 4, 30),)
    ]


def test_the_next_night_reads_only_rows_since_the_watermark(settings, source):
    extract_erp(settings, "n1", date(2026, 10, 16))
    _, con = source
    with con, con.cursor() as cur:
        cur.execute("update orders set status = 'shipped', updated_at = '2026-10-16 09:00:00+00' where order_id = 517")
    report = extract_erp(settings, "n2", date(2026, 10, 17))
    # watermark 2026-10-16 04:30 minus 72 h lookback minus one day: rows updated since 2026-10-12
    assert report.objects["orders"].rows_read == 2  # 517 (changed) and 518; not 519
    assert report.objects["order_lines"].rows_read == 1
    assert query(settings, "select order_id, status, _run_id from raw.orders order by order_id") == [
        ("517", "shipped", "n2"),
        ("518", "delivered", "n1"),
    ]
    assert query(settings, "select count(*) from quarantine.rows") == [(1,)]  # 519 not read again
