"""Night after night: latest version per key, ties, bad newer rows, part files, idempotent reruns."""

from __future__ import annotations

from datetime import datetime

from extract_helpers import AS_OF, ORDER_COLUMNS, order, write_csv

from kam.extract import extract_erp


def orders_in_raw(env):
    return env.query(
        "select order_id, status, cast(updated_at as varchar), _source, _row, _run_id from raw.orders order by order_id"
    )


def test_later_part_file_with_newer_update_replaces(env):
    write_csv(env.erp / "orders_part1.csv", ORDER_COLUMNS, [order("O1", status="placed")])
    extract_erp(env.settings, "night1", AS_OF)
    write_csv(
        env.erp / "orders_part2.csv", ORDER_COLUMNS, [order("O1", status="shipped", updated_at="2026-01-11T08:00:00Z")]
    )
    report = extract_erp(env.settings, "night2", AS_OF)
    assert orders_in_raw(env) == [("O1", "shipped", "2026-01-11 08:00:00", "erp/orders_part2.csv", 2, "night2")]
    assert report.objects["orders"].files == ["erp/orders_part2.csv"]
    assert report.objects["orders"].raw_rows_changed == 1


def test_older_update_does_not_replace(env):
    write_csv(
        env.erp / "orders_part1.csv", ORDER_COLUMNS, [order("O1", status="shipped", updated_at="2026-01-11T08:00:00Z")]
    )
    extract_erp(env.settings, "night1", AS_OF)
    write_csv(
        env.erp / "orders_part2.csv",
        ORDER_COLUMNS,
        [order("O1", status="placed", updated_at="2026-01-11T09:00:00+02:00")],
    )  # 07:00 UTC: older
    extract_erp(env.settings, "night2", AS_OF)
    assert orders_in_raw(env) == [("O1", "shipped", "2026-01-11 08:00:00", "erp/orders_part1.csv", 2, "night1")]


def test_bad_newer_row_does_not_replace_good_older(env):
    write_csv(env.erp / "orders_part1.csv", ORDER_COLUMNS, [order("O1", status="placed")])
    extract_erp(env.settings, "night1", AS_OF)
    write_csv(
        env.erp / "orders_part2.csv", ORDER_COLUMNS, [order("O1", status="on hold", updated_at="2026-02-01T00:00:00Z")]
    )
    report = extract_erp(env.settings, "night2", AS_OF)
    assert orders_in_raw(env)[0][:2] == ("O1", "placed")
    assert report.objects["orders"].rows_quarantined == 1
    assert env.query("select reason, source, row_number, run_id from quarantine.rows") == [
        ("status: not in enumeration: 'on hold'", "erp/orders_part2.csv", 2, "night2")
    ]


def test_bad_newer_row_in_same_night_does_not_win(env):
    write_csv(
        env.erp / "orders.csv",
        ORDER_COLUMNS,
        [
            order("O1", status="placed"),
            order("O1", status="shipped", order_date="2026-01-32", updated_at="2026-02-01T00:00:00Z"),
        ],
    )
    extract_erp(env.settings, "night1", AS_OF)
    assert orders_in_raw(env)[0][:2] == ("O1", "placed")


def test_tie_on_updated_at_later_line_wins(env):
    write_csv(env.erp / "orders.csv", ORDER_COLUMNS, [order("O1", status="placed"), order("O1", status="shipped")])
    extract_erp(env.settings, "n1", AS_OF)
    assert orders_in_raw(env)[0][:2] == ("O1", "shipped")


def test_tie_on_instant_written_with_other_offset_later_file_wins(env):
    write_csv(env.erp / "orders_b.csv", ORDER_COLUMNS, [order("O1", status="placed")])
    write_csv(
        env.erp / "orders_a.csv", ORDER_COLUMNS, [order("O1", status="shipped", updated_at="2026-01-10T12:00:00+02:00")]
    )
    extract_erp(env.settings, "n1", AS_OF)
    assert orders_in_raw(env)[0][:2] == ("O1", "placed")  # orders_b.csv sorts after orders_a.csv


def test_tie_across_nights_later_night_wins(env):
    write_csv(env.erp / "orders_z.csv", ORDER_COLUMNS, [order("O1", status="placed")])
    extract_erp(env.settings, "n1", AS_OF)
    write_csv(env.erp / "orders_a.csv", ORDER_COLUMNS, [order("O1", status="shipped")])  # name sorts first
    extract_erp(env.settings, "n2", AS_OF)
    assert orders_in_raw(env)[0][:2] == ("O1", "shipped")


def test_load_seq_increases_across_runs(env):
    write_csv(env.erp / "orders_1.csv", ORDER_COLUMNS, [order("O1"), order("O2")])
    extract_erp(env.settings, "n1", AS_OF)
    write_csv(env.erp / "orders_2.csv", ORDER_COLUMNS, [order("O3")])
    extract_erp(env.settings, "n2", AS_OF)
    seqs = dict(env.query("select order_id, _load_seq from raw.orders"))
    assert seqs["O1"] < seqs["O2"] < seqs["O3"]


def test_fx_rates_loaded_later_wins(env):
    header = ["currency", "rate_date", "rate_to_reporting"]
    write_csv(env.erp / "fx_rates.csv", header, [["USD", "2026-01-01", "0.90"], ["usd", "2026-01-01", "0.91"]])
    extract_erp(env.settings, "n1", AS_OF)
    assert [(c, float(r)) for c, r in env.query("select currency, rate_to_reporting from raw.fx_rates")] == [
        ("USD", 0.91)
    ]
    write_csv(env.erp / "fx_rates_2.csv", header, [["USD", "2026-01-01", "0.95"]])
    extract_erp(env.settings, "n2", AS_OF)
    assert [(c, float(r)) for c, r in env.query("select currency, rate_to_reporting from raw.fx_rates")] == [
        ("USD", 0.95)
    ]


def test_fx_rates_absent_means_no_rates(env):
    report = extract_erp(env.settings, "n1", AS_OF)
    assert env.query("select count(*) from raw.fx_rates") == [(0,)]
    assert report.objects["fx_rates"].rows_read == 0


def test_a_file_changed_in_place_is_read_again_with_later_load_seqs(env):
    path = write_csv(env.erp / "orders_part1.csv", ORDER_COLUMNS, [order("O1", status="placed"), order("O2")])
    extract_erp(env.settings, "n1", AS_OF)
    seq_before = env.query("select max(_load_seq) from raw.orders")[0][0]
    write_csv(path, ORDER_COLUMNS, [order("O1", status="shipped", updated_at="2026-03-01T00:00:00Z"), order("O2")])
    report = extract_erp(env.settings, "n2", AS_OF)
    assert orders_in_raw(env) == [
        ("O1", "shipped", "2026-03-01 00:00:00", "erp/orders_part1.csv", 2, "n2"),
        ("O2", "placed", "2026-01-10 10:00:00", "erp/orders_part1.csv", 3, "n1"),
    ]
    assert env.query("select _load_seq > ? from raw.orders where order_id = 'O1'", [seq_before]) == [(True,)]
    rep = report.objects["orders"]
    assert (rep.files, rep.files_changed, rep.files_skipped_unchanged) == (
        ["erp/orders_part1.csv"],
        ["erp/orders_part1.csv"],
        ["erp/orders.csv"],
    )
    assert (rep.rows_read, rep.raw_rows_changed) == (2, 1)  # O2 read again, unchanged: nothing changed
    assert env.query(
        "select source, rows, run_id from meta.loaded_files where object = 'orders' order by run_id, source"
    ) == [("erp/orders.csv", 0, "n1"), ("erp/orders_part1.csv", 2, "n1"), ("erp/orders_part1.csv", 2, "n2")]


def test_rerun_of_a_night_changes_nothing_and_keeps_its_figures(env):
    write_csv(env.erp / "orders_part1.csv", ORDER_COLUMNS, [order("O1"), order("", customer_id="C9")])
    first = extract_erp(env.settings, "n1", AS_OF)
    snapshot = (
        env.query("select * from raw.orders"),
        env.query("select * from quarantine.rows"),
        env.query("select * from meta.loaded_files"),
        env.query("select * from meta.watermarks"),
    )
    again = extract_erp(env.settings, "n1", AS_OF)
    assert (
        env.query("select * from raw.orders"),
        env.query("select * from quarantine.rows"),
        env.query("select * from meta.loaded_files"),
        env.query("select * from meta.watermarks"),
    ) == snapshot
    assert again.objects["orders"].rows_read == first.objects["orders"].rows_read == 2
    assert again.objects["orders"].rows_quarantined == 1
    assert again.objects["orders"].files == ["erp/orders.csv", "erp/orders_part1.csv"]  # orders.csv: empty


def test_watermark_is_the_greatest_valid_updated_at(env):
    write_csv(
        env.erp / "orders.csv",
        ORDER_COLUMNS,
        [
            order("O1", updated_at="2026-01-10T10:00:00Z"),
            order("O2", updated_at="2026-01-12T01:00:00+03:00"),
            order("O3", status="bad", updated_at="2027-01-01T00:00:00Z"),
        ],
    )
    report = extract_erp(env.settings, "n1", AS_OF)
    assert report.objects["orders"].watermark == datetime(2026, 1, 11, 22, 0)
    assert env.query("select object, watermark, run_id from meta.watermarks where object = 'orders'") == [
        ("orders", datetime(2026, 1, 11, 22, 0), "n1")
    ]


def test_orphans_are_not_quarantined(env):
    write_csv(
        env.erp / "order_lines.csv",
        [
            "order_id",
            "line_number",
            "product_id",
            "product_category",
            "quantity",
            "delivered_quantity",
            "unit_price",
            "unit_cost",
            "updated_at",
        ],
        [["NO-SUCH-ORDER", "1", "P1", "", "1", "", "2.00", "", "2026-01-01T00:00:00Z"]],
    )
    write_csv(env.erp / "orders.csv", ORDER_COLUMNS, [order("O1", customer_id="NO-SUCH-ACCOUNT")])
    extract_erp(env.settings, "n1", AS_OF)
    assert env.query("select count(*) from quarantine.rows") == [(0,)]
    assert env.query("select order_id from raw.order_lines") == [("NO-SUCH-ORDER",)]
