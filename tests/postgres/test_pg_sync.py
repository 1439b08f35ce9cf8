"""The PostgreSQL warehouse's landing sync (kam.pg.sync): the landing DuckDB's changes reach PostgreSQL
exactly, in one transaction, catching up."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import psycopg2
import pytest

from kam.config import load_settings
from kam.contract import objects_of
from kam.extract import extract_crm, meta_tables
from kam.warehouse import connect, open_warehouse

pytestmark = pytest.mark.postgres

ORDER_COLUMNS = (
    "order_id, customer_id, order_date, promised_date, delivered_date, status, currency, "
    "updated_at, _source, _row, _run_id, _load_seq"
)
TRICKY_NAME = 'Müller, "Söhne"\nline two'


@pytest.fixture
def settings(tmp_path, pg_database):
    return replace(load_settings(), home=tmp_path, warehouse=pg_database)


def landing(settings):
    con = connect(settings, path=settings.landing)
    meta_tables.ensure_tables(con)
    return con


def put_order(con, order_id, customer_id, updated_at, run_id, seq, status="placed"):
    con.execute("delete from raw.orders where order_id = ?", [order_id])
    con.execute(
        "insert into raw.orders values (?, ?, date '2026-10-01', null, date '2026-10-03', ?, 'EUR', ?, "
        "'erp/orders.csv', ?, ?, ?)",
        [order_id, customer_id, status, updated_at, seq + 1, run_id, seq],
    )


def put_run(con, run_id, obj, read, finished):
    con.execute("delete from meta.extract_runs where run_id = ? and object = ?", [run_id, obj])
    con.execute(
        "insert into meta.extract_runs (run_id, object, rows_read, rows_loaded, rows_quarantined, "
        "raw_rows_changed, started_at, finished_at) "
        "values (?, ?, ?, ?, 0, ?, timestamp '2026-10-16 02:00:00', ?)",
        [run_id, obj, read, read, read, finished],
    )


def night_one(settings):
    con = landing(settings)
    put_order(con, "0001", "C1", datetime(2026, 10, 15, 8, 0, 0, 123456), "r1", 1)
    put_order(con, "0002", "", datetime(2026, 10, 15, 9, 0), "r1", 2)  # empty string, not null
    put_order(con, "0003", TRICKY_NAME, datetime(2026, 10, 15, 10, 0), "r1", 3)
    con.execute(
        "insert into raw.order_lines values ('0001', 1, 'P1', null, 123456789012.123456, null, 0.5, "
        "null, timestamp '2026-10-15 08:00:00', 'erp/order_lines.csv', 2, 'r1', 1)"
    )
    con.execute(
        "insert into quarantine.rows (object, reason, source, row_number, raw, run_id, quarantined_at) "
        "values ('orders', 'status: not in enumeration: ''lost''', "
        "'erp/orders.csv', 5, '{\"order_id\": \"0004\", \"note\": null}', 'r1', "
        "timestamp '2026-10-16 02:01:00')"
    )
    con.execute(
        "insert into meta.loaded_files (object, source, size, mtime, run_id, loaded_at) "
        "values ('orders', 'erp/orders.csv', 512, "
        "timestamp '2026-10-15 23:00:00', 'r1', timestamp '2026-10-16 02:01:00')"
    )
    con.execute("insert into meta.watermarks values ('orders', timestamp '2026-10-15 10:00:00', 'r1')")
    put_run(con, "r1", "orders", 4, datetime(2026, 10, 16, 2, 1))
    put_run(con, "r1", "order_lines", 1, datetime(2026, 10, 16, 2, 1))
    con.close()


def sync_landing(settings):
    with open_warehouse(settings) as warehouse:
        return warehouse.sync_landing()


def pg_rows(settings, sql):
    con = psycopg2.connect(settings.warehouse)
    try:
        with con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        con.close()


def test_first_sync_copies_every_value_exactly(settings):
    night_one(settings)
    report = sync_landing(settings)
    assert report.pairs == [("r1", "order_lines"), ("r1", "orders")]
    assert pg_rows(settings, f"select {ORDER_COLUMNS} from raw.orders order by order_id") == [
        (
            "0001",
            "C1",
            date(2026, 10, 1),
            None,
            date(2026, 10, 3),
            "placed",
            "EUR",
            datetime(2026, 10, 15, 8, 0, 0, 123456),
            "erp/orders.csv",
            2,
            "r1",
            1,
        ),
        (
            "0002",
            "",
            date(2026, 10, 1),
            None,
            date(2026, 10, 3),
            "placed",
            "EUR",
            datetime(2026, 10, 15, 9, 0),
            "erp/orders.csv",
            3,
            "r1",
            2,
        ),
        (
            "0003",
            TRICKY_NAME,
            date(2026, 10, 1),
            None,
            date(2026, 10, 3),
            "placed",
            "EUR",
            datetime(2026, 10, 15, 10, 0),
            "erp/orders.csv",
            4,
            "r1",
            3,
        ),
    ]
    assert pg_rows(settings, "select quantity, delivered_quantity, unit_price from raw.order_lines") == [
        (Decimal("123456789012.123456"), None, Decimal("0.500000"))
    ]
    assert pg_rows(settings, "select object, reason, source, row_number, raw, run_id from quarantine.rows") == [
        (
            "orders",
            "status: not in enumeration: 'lost'",
            "erp/orders.csv",
            5,
            '{"order_id": "0004", "note": null}',
            "r1",
        )
    ]
    assert pg_rows(settings, "select object, watermark from meta.watermarks") == [
        ("orders", datetime(2026, 10, 15, 10, 0))
    ]
    assert pg_rows(settings, "select count(*) from meta.loaded_files") == [(1,)]
    assert pg_rows(
        settings,
        "select format_type(atttypid, atttypmod) from pg_attribute "
        "where attrelid = 'raw.order_lines'::regclass and attname = 'quantity'",
    ) == [("numeric(18,6)",)]
    # every contract table exists in PostgreSQL, even those without rows yet (dbt reads them)
    assert pg_rows(settings, "select count(*) from information_schema.tables where table_schema = 'raw'") == [(9,)]


def test_next_night_upserts_only_its_rows_and_a_rerun_changes_nothing(settings):
    night_one(settings)
    sync_landing(settings)
    con = landing(settings)
    put_order(con, "0001", "C1", datetime(2026, 10, 16, 8, 0), "r2", 10, status="shipped")
    put_run(con, "r2", "orders", 1, datetime(2026, 10, 17, 2, 1))
    con.execute("delete from meta.watermarks")
    con.execute("insert into meta.watermarks values ('orders', timestamp '2026-10-16 08:00:00', 'r2')")
    con.close()
    report = sync_landing(settings)
    assert report.pairs == [("r2", "orders")]
    assert report.rows['raw."orders"'] == 1
    assert pg_rows(settings, "select order_id, status, _run_id, _load_seq from raw.orders order by 1") == [
        ("0001", "shipped", "r2", 10),
        ("0002", "placed", "r1", 2),
        ("0003", "placed", "r1", 3),
    ]
    assert pg_rows(settings, "select watermark, run_id from meta.watermarks") == [(datetime(2026, 10, 16, 8), "r2")]
    assert pg_rows(settings, "select run_id, object from meta.extract_runs order by 1, 2") == [
        ("r1", "order_lines"),
        ("r1", "orders"),
        ("r2", "orders"),
    ]
    assert sync_landing(settings).pairs == []


def test_a_retried_run_is_synced_again(settings):
    night_one(settings)
    sync_landing(settings)
    con = landing(settings)  # the retry of r1 adds a row and accumulates its extract_runs figures
    put_order(con, "0005", "C5", datetime(2026, 10, 15, 11, 0), "r1", 4)
    put_run(con, "r1", "orders", 5, datetime(2026, 10, 16, 2, 30))
    con.close()
    assert sync_landing(settings).pairs == [("r1", "orders")]
    assert pg_rows(settings, "select count(*) from raw.orders") == [(4,)]
    assert pg_rows(settings, "select rows_read from meta.extract_runs where object = 'orders'") == [(5,)]
    assert pg_rows(settings, "select count(*) from quarantine.rows") == [(1,)]  # replaced, not doubled


def test_a_failed_sync_changes_nothing_and_the_next_one_catches_up(settings):
    night_one(settings)
    sync_landing(settings)
    pg = psycopg2.connect(settings.warehouse)
    with pg, pg.cursor() as cur:
        cur.execute("alter table quarantine.rows add constraint no_boom check (reason <> 'boom')")
    con = landing(settings)
    put_order(con, "0002", "C2", datetime(2026, 10, 16, 9, 0), "r2", 11)
    con.execute(
        "insert into quarantine.rows (object, reason, source, row_number, raw, run_id, quarantined_at) "
        "values ('orders', 'boom', 'erp/o2.csv', 2, '{}', 'r2', "
        "timestamp '2026-10-17 02:00:00')"
    )
    put_run(con, "r2", "orders", 2, datetime(2026, 10, 17, 2, 1))
    con.close()
    with pytest.raises(psycopg2.errors.CheckViolation):
        sync_landing(settings)
    assert pg_rows(settings, "select customer_id, _run_id from raw.orders where order_id = '0002'") == [("", "r1")]
    assert pg_rows(settings, "select run_id from meta.extract_runs where object = 'orders'") == [("r1",)]
    con = landing(settings)  # the next night: r3, while r2 was never synced
    put_order(con, "0003", "C3", datetime(2026, 10, 17, 9, 0), "r3", 12)
    put_run(con, "r3", "orders", 1, datetime(2026, 10, 18, 2, 1))
    con.close()
    with pg, pg.cursor() as cur:
        cur.execute("alter table quarantine.rows drop constraint no_boom")
    pg.close()
    assert sync_landing(settings).pairs == [("r2", "orders"), ("r3", "orders")]
    assert pg_rows(settings, "select order_id, customer_id, _run_id from raw.orders order by 1") == [
        ("0001", "C1", "r1"),
        ("0002", "C2", "r2"),
        ("0003", "C3", "r3"),
    ]
    assert pg_rows(settings, "select run_id, reason from quarantine.rows order by 1") == [
        ("r1", "status: not in enumeration: 'lost'"),
        ("r2", "boom"),
    ]


def test_sync_without_landing_db_names_it(settings):
    with pytest.raises(FileNotFoundError, match=r"landing\.duckdb"):
        sync_landing(settings)


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")


ACCOUNT_HEADER = [
    "account_id",
    "name",
    "industry",
    "region",
    "country",
    "employees",
    "annual_budget",
    "account_manager",
    "kam_designated",
    "is_image_maker",
    "is_expert",
    "created_at",
    "updated_at",
]


def account(account_id, name, updated_at, kam_designated="true"):
    return [account_id, name, "", "", "", "", "", "", kam_designated, "false", "false", "2024-01-01", updated_at]


def test_extraction_carries_history_reads_errors_and_the_new_columns_to_postgres(settings, tmp_path):
    crm = tmp_path / "crm"
    for obj in objects_of("crm"):
        write_csv(crm / f"{obj.name}.csv", obj.column_names, [])
    write_csv(crm / "accounts.csv", ACCOUNT_HEADER, [account("A1", "Acme", "2026-10-01")])
    write_csv(crm / "surveys_bad.csv", ["survey_id", "survey_id"], [])  # names a column twice
    settings = replace(settings, crm_source=str(crm))
    extract_crm(settings, "n1", date(2026, 10, 15))
    write_csv(
        crm / "accounts.csv",
        ACCOUNT_HEADER,
        [account("A1", "Acme 2", "2026-10-02"), account("A2", "Bolt", "2026-10-02", kam_designated="x")],
    )
    extract_crm(settings, "n2", date(2026, 10, 16))
    assert pg_rows(
        settings, "select account_id, name, _run_id, _as_of_date from raw_history.accounts order by _load_seq"
    ) == [("A1", "Acme", "n1", date(2026, 10, 15)), ("A1", "Acme 2", "n2", date(2026, 10, 16))]
    assert pg_rows(settings, "select account_id, name from raw.accounts") == [("A1", "Acme 2")]
    assert pg_rows(
        settings,
        "select as_of_date, run_id, source, rows_read, rows_bad from meta.source_reads "
        "where object = 'accounts' order by read_at",
    ) == [(date(2026, 10, 15), "n1", "crm/accounts.csv", 1, 0), (date(2026, 10, 16), "n2", "crm/accounts.csv", 2, 1)]
    twice = "surveys: header names column 'survey_id' twice in crm/surveys_bad.csv"
    assert pg_rows(settings, "select run_id, object, source, error from meta.source_errors order by run_id") == [
        ("n1", "surveys", "crm/surveys_bad.csv", twice),
        ("n2", "surveys", "crm/surveys_bad.csv", twice),
    ]
    assert pg_rows(settings, "select as_of_date, version is not null, key_text, load_seq > 0 from quarantine.rows") == [
        (date(2026, 10, 16), True, "A2", True)
    ]
    assert pg_rows(
        settings,
        "select source, rows, as_of_date, length(sha256) from meta.loaded_files "
        "where object = 'accounts' order by run_id",
    ) == [("crm/accounts.csv", 1, date(2026, 10, 15), 64), ("crm/accounts.csv", 2, date(2026, 10, 16), 64)]
    assert pg_rows(settings, "select distinct as_of_date from meta.extract_runs order by 1") == [
        (date(2026, 10, 15),),
        (date(2026, 10, 16),),
    ]


def test_history_seeded_in_the_landing_reaches_an_empty_postgres_history(settings):
    night_one(settings)  # raw rows without history, as a landing loaded before decision 0009
    con = landing(settings)
    meta_tables.seed_history(con, meta_tables.OBJECTS["orders"])
    con.close()
    sync_landing(settings)
    assert pg_rows(settings, "select order_id, _run_id, _as_of_date from raw_history.orders order by 1") == [
        ("0001", "r1", date(1900, 1, 1)),
        ("0002", "r1", date(1900, 1, 1)),
        ("0003", "r1", date(1900, 1, 1)),
    ]
