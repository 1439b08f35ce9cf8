"""What was read: meta.source_reads per file version or table read, quarantine rows with version, key, load_seq."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from extract_helpers import AS_OF, ORDER_COLUMNS, order, write_csv

from kam.extract import extract_erp


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_source_reads_count_the_data_lines_of_each_file_version(env):
    path = write_csv(
        env.erp / "orders_1.csv",
        ORDER_COLUMNS,
        [order("O1"), order("O2", status="lost"), order("O3"), order("O4", currency="")],
    )
    assert len(path.read_text().splitlines()) - 1 == 4
    extract_erp(env.settings, "n1", AS_OF)
    assert env.query(
        "select as_of_date, run_id, object, source, version, rows_read, rows_bad from meta.source_reads "
        "where object = 'orders' order by source"
    ) == [
        (AS_OF, "n1", "orders", "erp/orders.csv", sha256(env.erp / "orders.csv"), 0, 0),
        (AS_OF, "n1", "orders", "erp/orders_1.csv", sha256(path), 4, 2),
    ]
    assert env.query(
        "select source, sha256, rows, as_of_date from meta.loaded_files where object = 'orders' order by source"
    ) == [("erp/orders.csv", sha256(env.erp / "orders.csv"), 0, AS_OF), ("erp/orders_1.csv", sha256(path), 4, AS_OF)]
    assert env.query(
        "select run_id, object, rows_read, rows_loaded, rows_quarantined, as_of_date "
        "from meta.extract_runs where object = 'orders'"
    ) == [("n1", "orders", 4, 2, 2, AS_OF)]


def test_a_changed_file_is_a_new_version_read(env):
    path = write_csv(env.erp / "orders_1.csv", ORDER_COLUMNS, [order("O1", status="lost")])
    extract_erp(env.settings, "n1", AS_OF)
    first = sha256(path)
    write_csv(path, ORDER_COLUMNS, [order("O1", status="placed", updated_at="2026-01-11T00:00:00Z"), order("O2")])
    extract_erp(env.settings, "n2", AS_OF)
    assert env.query(
        "select run_id, version, rows_read, rows_bad from meta.source_reads "
        "where source = 'erp/orders_1.csv' order by read_at"
    ) == [("n1", first, 1, 1), ("n2", sha256(path), 2, 0)]


def test_quarantined_rows_carry_as_of_version_key_and_load_seq(env):
    path = write_csv(
        env.erp / "orders_1.csv", ORDER_COLUMNS, [order("O1"), order(" O2 ", status="lost"), order("", status="lost")]
    )
    extract_erp(env.settings, "n1", AS_OF)
    assert env.query(
        "select reason, source, row_number, run_id, as_of_date, version, key_text, load_seq "
        "from quarantine.rows order by row_number"
    ) == [
        ("status: not in enumeration: 'lost'", "erp/orders_1.csv", 3, "n1", AS_OF, sha256(path), "O2", 3),
        ("missing key; status: not in enumeration: 'lost'", "erp/orders_1.csv", 4, "n1", AS_OF, sha256(path), None, 4),
    ]
    assert env.query("select order_id, _load_seq from raw.orders") == [("O1", 2)]


def test_order_line_key_text_is_the_key_as_raw_stores_it(env):
    header = [
        "order_id",
        "line_number",
        "product_id",
        "product_category",
        "quantity",
        "delivered_quantity",
        "unit_price",
        "unit_cost",
        "updated_at",
    ]
    write_csv(
        env.erp / "order_lines_1.csv",
        header,
        [
            ["O1", "01", "P1", "", "0", "", "2.00", "", "2026-01-01T00:00:00Z"],
            ["O1", "x", "P1", "", "1", "", "2.00", "", "2026-01-01T00:00:00Z"],
        ],
    )
    extract_erp(env.settings, "n1", AS_OF)
    assert env.query("select key_text, reason from quarantine.rows order by row_number") == [
        ("O1|1", "quantity: out of range (>0): '0'"),
        ("O1|x", "line_number: not a number: 'x'"),
    ]


def test_a_bad_row_is_not_quarantined_twice_for_the_same_file_version(env):
    write_csv(env.erp / "orders_1.csv", ORDER_COLUMNS, [order("O1", status="lost")])
    extract_erp(env.settings, "n1", AS_OF)
    from kam.warehouse import connect

    con = connect(env.settings)
    con.execute("delete from meta.loaded_files where source = 'erp/orders_1.csv'")  # forces a re-read
    con.close()
    report = extract_erp(env.settings, "n2", AS_OF)
    assert report.objects["orders"].rows_quarantined == 0
    assert env.query("select run_id, row_number from quarantine.rows") == [("n1", 2)]
    assert env.query(
        "select run_id, rows_bad from meta.source_reads where source = 'erp/orders_1.csv' order by read_at"
    ) == [("n1", 1), ("n2", 1)]


def test_future_timestamp_and_year_zero_are_quarantined_and_the_watermark_stays(env):
    write_csv(
        env.erp / "orders_1.csv",
        ORDER_COLUMNS,
        [
            order("O1", updated_at="2026-01-10T10:00:00Z"),
            order("O2", updated_at="2099-01-01T00:00:00Z"),
            order("O3", order_date="0000-01-01"),
            order("O4", updated_at="0000-01-01T00:00:00Z"),
        ],
    )
    report = extract_erp(env.settings, "n1", AS_OF)
    assert env.query("select reason, row_number from quarantine.rows order by row_number") == [
        ("updated_at: timestamp in the future: '2099-01-01T00:00:00Z'", 3),
        ("order_date: date out of range 1900-01-01..2100-12-31: '0000-01-01'", 4),
        ("updated_at: date out of range 1900-01-01..2100-12-31: '0000-01-01T00:00:00Z'", 5),
    ]
    assert env.query("select order_id from raw.orders") == [("O1",)]
    assert env.query("select count(*) from raw.orders where order_date < date '1900-01-01'") == [(0,)]
    assert report.objects["orders"].watermark == datetime(2026, 1, 10, 10, 0)
    assert env.query("select watermark from meta.watermarks where object = 'orders'") == [
        (datetime(2026, 1, 10, 10, 0),)
    ]


def test_extract_runs_and_history_carry_the_as_of_date(env):
    write_csv(env.erp / "orders_1.csv", ORDER_COLUMNS, [order("O1")])
    extract_erp(env.settings, "n1", date(2026, 10, 20))
    assert env.query("select distinct as_of_date from meta.extract_runs") == [(date(2026, 10, 20),)]
    assert env.query("select order_id, _as_of_date from raw_history.orders") == [("O1", date(2026, 10, 20))]
