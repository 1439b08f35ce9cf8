"""A warehouse loaded before decision 0009 gains the new columns and tables; old files are read once more."""

from __future__ import annotations

import duckdb
from extract_helpers import AS_OF, ORDER_COLUMNS, order, write_csv

from kam.extract import extract_erp

OLD_DDL = (
    "create schema raw",
    "create schema quarantine",
    "create schema meta",
    "create table raw.orders (order_id varchar, customer_id varchar, order_date date, promised_date date, "
    "delivered_date date, status varchar, currency varchar, updated_at timestamp, _source varchar, _row bigint, "
    "_run_id varchar, _load_seq bigint)",
    "insert into raw.orders values ('O1', 'C1', date '2026-01-10', null, null, 'placed', 'EUR', "
    "timestamp '2026-01-10 10:00:00', 'erp/orders_1.csv', 2, 'old', 1)",
    "create table quarantine.rows (object varchar, reason varchar, source varchar, row_number bigint, raw varchar, "
    "run_id varchar, quarantined_at timestamp)",
    "create table meta.loaded_files (object varchar, source varchar, size bigint, mtime timestamp, run_id varchar, "
    "loaded_at timestamp)",
    "insert into meta.loaded_files values ('orders', 'erp/orders_1.csv', 1, timestamp '2026-01-10 00:00:00', "
    "'old', timestamp '2026-01-10 00:00:00')",
    "create table meta.extract_runs (run_id varchar, object varchar, rows_read bigint, rows_loaded bigint, "
    "rows_quarantined bigint, raw_rows_changed bigint, started_at timestamp, finished_at timestamp)",
)


def test_old_warehouse_is_upgraded_and_its_files_read_once_more(env):
    write_csv(env.erp / "orders_1.csv", ORDER_COLUMNS, [order("O1")])
    con = duckdb.connect(env.settings.warehouse)
    for ddl in OLD_DDL:
        con.execute(ddl)
    con.close()
    first = extract_erp(env.settings, "n1", AS_OF)
    assert first.objects["orders"].files == ["erp/orders.csv", "erp/orders_1.csv"]  # no sha256 known: read again
    assert first.objects["orders"].raw_rows_changed == 0  # same row: nothing changed
    assert env.query(
        "select column_name from information_schema.columns where table_schema = 'quarantine' "
        "and table_name = 'rows' order by ordinal_position"
    ) == [
        (c,)
        for c in (
            "object",
            "reason",
            "source",
            "row_number",
            "raw",
            "run_id",
            "quarantined_at",
            "as_of_date",
            "version",
            "key_text",
            "load_seq",
        )
    ]
    assert env.query("select order_id, _run_id, cast(_as_of_date as varchar) from raw_history.orders") == [
        ("O1", "old", "1900-01-01")
    ]
    second = extract_erp(env.settings, "n2", AS_OF)
    assert second.objects["orders"].files_skipped_unchanged == ["erp/orders.csv", "erp/orders_1.csv"]
    assert second.objects["orders"].rows_read == 0
