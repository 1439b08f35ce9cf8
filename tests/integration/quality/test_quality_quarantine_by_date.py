"""Gate check 3 judged per as-of date D (outputs.md v1.1, decision 0009): the reads of D, the
latest read per source, open bad rows of those file versions not closed by a later valid row."""

from __future__ import annotations

import pytest

from . import fake_warehouse as fw

D = "2026-10-15"


def _blocked_night(con):
    fw.add_quarantine(con, "orders", 15)  # 20 of the 1000 rows of orders.csv v1 are bad: 2%


def test_a_blocked_nights_rerun_that_reads_nothing_stays_blocked(warehouse, gate):
    _blocked_night(warehouse)
    assert gate().check("quarantine_share").observed == pytest.approx(0.02)
    # the rerun: extraction ran and read nothing new (no source_reads, no quarantine rows of its own)
    warehouse.execute(
        "insert into meta.extract_runs values ('rerun', 'orders', 0, 0, 0, 0, ?, "
        "'2026-10-16 09:00:00', '2026-10-16 09:00:00')",
        [D],
    )
    rerun = gate(run_id="rerun")
    check = rerun.check("quarantine_share")
    assert not rerun.passed and [c.name for c in rerun.failed_checks] == ["quarantine_share"]
    assert check.observed == pytest.approx(0.02)
    assert check.details["objects"]["orders"]["open"] == 20
    assert check.details["objects"]["orders"]["rows_delivered"] == 1000


def test_the_rerun_after_the_file_is_replaced_by_a_fixed_version_passes(warehouse, gate):
    _blocked_night(warehouse)
    # the operator fixes orders.csv in place: the rerun reads version v2 (3 bad rows left)
    fw.add_read(warehouse, "orders", fw.ORDERS_FILE, "v2", 1002, 3, run_id="rerun", read_at="2026-10-16 09:00:00")
    fw.add_quarantine(warehouse, "orders", 3, run_id="rerun", version="v2")
    result = gate(run_id="rerun")
    check = result.check("quarantine_share")
    assert result.passed
    assert check.observed == pytest.approx(3 / 1002)
    assert check.details["objects"]["orders"] == {
        "sources": 1,
        "rows_delivered": 1002,
        "rows_bad_reported": 3,
        "bad_rows": 3,
        "closed": 0,
        "open": 3,
        "open_reasons": {"order_date: not a date": 3},
        "share": pytest.approx(3 / 1002),
        "passed": True,
    }


def test_only_the_latest_read_of_each_source_counts(warehouse, gate):
    # a second file of orders, read once: its rows and bad rows add to those of orders.csv
    fw.add_read(warehouse, "orders", "erp/orders/part_2.csv", "p1", 500, 10)
    fw.add_quarantine(warehouse, "orders", 10, source="erp/orders/part_2.csv", version="p1")
    check = gate().check("quarantine_share")
    assert check.details["objects"]["orders"]["sources"] == 2
    assert check.details["objects"]["orders"]["rows_delivered"] == 1500
    assert check.observed == pytest.approx(15 / 1500)
    assert check.passed  # exactly 1%


def test_a_bad_row_closed_by_a_later_valid_row_of_the_same_key_stops_counting(warehouse, gate):
    _blocked_night(warehouse)  # BAD0..BAD19, load_seq 1..20
    orders = {
        "customer_id": "C01",
        "order_date": "2026-10-01",
        "status": "placed",
        "currency": "EUR",
        "updated_at": "2026-10-15 10:00:00",
    }
    for key in ("BAD0", "BAD1", "BAD2"):  # valid versions loaded after the bad rows, for D
        fw.add_history(warehouse, "orders", {"order_id": key, **orders}, load_seq=2000, as_of_date=D)
    fw.add_history(warehouse, "orders", {"order_id": "BAD3", **orders}, load_seq=2001, as_of_date="2026-10-16")
    fw.add_history(warehouse, "orders", {"order_id": "BAD19", **orders}, load_seq=7, as_of_date=D)  # before it
    check = gate().check("quarantine_share")
    assert check.details["objects"]["orders"]["closed"] == 3  # BAD3 arrived after D, BAD19 before the bad row
    assert check.details["objects"]["orders"]["open"] == 17
    assert check.observed == pytest.approx(0.017)
    assert not check.passed


def test_bad_rows_of_another_date_do_not_count(warehouse, gate):
    # the 50 bad rows of 2026-10-14 count for that date only
    assert gate().check("quarantine_share").observed == pytest.approx(0.005)
    earlier = gate(as_of="2026-10-14").check("quarantine_share")
    assert earlier.observed == pytest.approx(0.5)
    assert earlier.details["objects"]["orders"]["open"] == 50
    # bad rows of D of a file version read on another date only do not count for D either
    fw.add_quarantine(warehouse, "orders", 30, version="v0")
    assert gate().check("quarantine_share").observed == pytest.approx(0.005)


def test_the_blocked_message_says_how_to_override(warehouse, gate):
    _blocked_night(warehouse)
    check = gate().check("quarantine_share")
    assert check.action.endswith(
        """override the threshold for this run: make run AS_OF=2026-10-15 VARS='{"quarantine_max_share": 0.02}' """
        """(or: airflow dags trigger kam_nightly -c """
        """'{"as_of": "2026-10-15", "vars": {"quarantine_max_share": 0.02}}')"""
    )
    assert gate(gate_vars={"quarantine_max_share": 0.02}).passed


def test_without_meta_source_reads_the_check_fails_closed(warehouse, gate):
    warehouse.execute("drop table meta.source_reads")
    check = gate().check("quarantine_share")
    assert not check.passed
    assert check.message == "meta.source_reads not found: the reads of the date cannot be judged"


def test_a_rerun_reading_a_table_again_does_not_hide_the_first_reads_bad_rows(warehouse, gate):
    table = "table:orders"
    fw.add_read(warehouse, "order_lines", table, "table:all:400:2026-10-15 20:00:00", 400, 20)
    fw.add_quarantine(warehouse, "order_lines", 20, version="table:all:400:2026-10-15 20:00:00", source=table)
    # the rerun reads the same table from the watermark minus the lookback: fewer rows, no new bad ones
    fw.add_read(
        warehouse,
        "order_lines",
        table,
        "table:2026-10-12:150:2026-10-15 20:00:00",
        150,
        0,
        run_id="rerun",
        read_at="2026-10-16 09:00:00",
    )
    check = gate(run_id="rerun").check("quarantine_share")
    lines = check.details["objects"]["order_lines"]
    assert (lines["sources"], lines["rows_delivered"], lines["open"]) == (1, 400, 20)
    assert not check.passed and check.observed == pytest.approx(20 / 400)
