"""Many nights: snapshots rewritten in place, raw_history per as-of date, backfills that read nothing."""

from __future__ import annotations

from datetime import date

from extract_helpers import ACCOUNT_COLUMNS, ORDER_COLUMNS, account, order, write_csv

from kam.extract import extract_crm, extract_erp
from kam.extract.meta_tables import latest_extracted_as_of
from kam.warehouse import connect

D1, D2, D3 = date(2026, 10, 15), date(2026, 10, 16), date(2026, 10, 17)
HISTORY_COLUMNS = "account_id, name, cast(updated_at as varchar), _source, _row, _run_id, _as_of_date"


def write_accounts(env, rows):
    return write_csv(env.crm / "accounts.csv", ACCOUNT_COLUMNS, rows)


def latest_per_key_as_of(env, obj: str, key: str, as_of: date, columns: str) -> list[tuple]:
    """raw_history.<obj> restricted to `_as_of_date <= as_of`, latest version per key (decision 0009)."""
    return env.query(
        f"select {columns} from (select *, row_number() over (partition by {key} "
        f"order by updated_at desc, _load_seq desc) as rank from raw_history.{obj} where _as_of_date <= ?) "
        f"where rank = 1 order by {key}",
        [as_of],
    )


def test_snapshot_rewritten_with_a_renamed_account_keeps_both_versions(env):
    write_accounts(env, [account("A1", "Acme"), account("A2", "Bolt")])
    extract_crm(env.settings, "night1", D1)
    write_accounts(env, [account("A1", "Acme Renamed", updated_at="2026-10-02T08:00:00Z"), account("A2", "Bolt")])
    report = extract_crm(env.settings, "night2", D2)
    assert env.query("select account_id, name, _run_id from raw.accounts order by 1") == [
        ("A1", "Acme Renamed", "night2"),
        ("A2", "Bolt", "night1"),
    ]
    assert env.query(f"select {HISTORY_COLUMNS} from raw_history.accounts order by account_id, _load_seq") == [
        ("A1", "Acme", "2026-10-01 08:00:00", "crm/accounts.csv", 2, "night1", D1),
        ("A1", "Acme Renamed", "2026-10-02 08:00:00", "crm/accounts.csv", 2, "night2", D2),
        ("A2", "Bolt", "2026-10-01 08:00:00", "crm/accounts.csv", 3, "night1", D1),
    ]
    accounts = report.objects["accounts"]
    assert (accounts.files, accounts.files_changed, accounts.files_skipped_unchanged) == (
        ["crm/accounts.csv"],
        ["crm/accounts.csv"],
        [],
    )
    assert (accounts.rows_read, accounts.raw_rows_changed) == (2, 1)
    assert report.objects["contacts"].files_skipped_unchanged == ["crm/contacts.csv"]


def test_the_same_content_again_reads_nothing(env):
    write_accounts(env, [account("A1", "Acme")])
    extract_crm(env.settings, "night1", D1)
    reads_sql = "select as_of_date, run_id, object, source, rows_read, rows_bad from meta.source_reads order by all"
    reads_before = env.query(reads_sql)
    write_accounts(env, [account("A1", "Acme")])  # rewritten in place, same bytes, new mtime
    report = extract_crm(env.settings, "night2", D2)
    assert env.query(reads_sql) == reads_before
    accounts = report.objects["accounts"]
    assert (accounts.rows_read, accounts.files, accounts.files_changed, accounts.files_skipped_unchanged) == (
        0,
        [],
        [],
        ["crm/accounts.csv"],
    )
    assert env.query("select count(*) from meta.loaded_files where object = 'accounts'") == [(1,)]
    assert env.query("select count(*) from raw_history.accounts") == [(1,)]


def test_a_row_missing_from_a_later_snapshot_keeps_its_last_version(env):
    write_accounts(env, [account("A1", "Acme"), account("A2", "Bolt")])
    extract_crm(env.settings, "night1", D1)
    write_accounts(env, [account("A1", "Acme", updated_at="2026-10-02T08:00:00Z")])
    extract_crm(env.settings, "night2", D2)
    assert env.query("select account_id, name, cast(updated_at as varchar), _run_id from raw.accounts order by 1") == [
        ("A1", "Acme", "2026-10-02 08:00:00", "night2"),
        ("A2", "Bolt", "2026-10-01 08:00:00", "night1"),
    ]


def test_a_backfill_as_of_reads_nothing(env):
    write_csv(env.erp / "orders_1.csv", ORDER_COLUMNS, [order("O1")])
    extract_erp(env.settings, "night_d2", D2)
    write_csv(env.erp / "orders_2.csv", ORDER_COLUMNS, [order("O2")])
    tables = [
        "raw.orders",
        "raw_history.orders",
        "meta.loaded_files",
        "meta.source_reads",
        "meta.extract_runs",
        "quarantine.rows",
        "meta.watermarks",
    ]
    before = {t: env.query(f"select * from {t} order by all") for t in tables}
    report = extract_erp(env.settings, "backfill_d1", D1)
    assert (report.mode, report.as_of, report.objects) == ("backfill", D1, {})
    assert report.to_dict() == {"run_id": "backfill_d1", "as_of": "2026-10-15", "mode": "backfill", "objects": {}}
    assert {t: env.query(f"select * from {t} order by all") for t in tables} == before
    con = connect(env.settings, read_only=True)
    try:
        assert latest_extracted_as_of(con) == D2
    finally:
        con.close()
    assert extract_erp(env.settings, "rerun_d2", D2).mode == "nightly"  # the latest date reads again
    assert env.query("select order_id from raw.orders order by 1") == [("O1",), ("O2",)]


def test_latest_extracted_as_of_of_an_empty_warehouse_is_none(env):
    con = connect(env.settings)
    try:
        assert latest_extracted_as_of(con) is None
    finally:
        con.close()


def test_history_as_of_each_night_equals_raw_at_the_end_of_that_night(env):
    columns = "account_id, name, cast(updated_at as varchar), _source, _row, _run_id, _load_seq"
    raw_sql = f"select {columns} from raw.accounts order by account_id"
    write_accounts(env, [account("A1", "Acme"), account("A2", "Bolt"), account("A3", "Core")])
    extract_crm(env.settings, "night1", D1)
    raw_end_of_d1 = env.query(raw_sql)
    write_accounts(
        env,
        [
            account("A1", "Acme 2", updated_at="2026-10-02T08:00:00Z"),
            account("A2", "Bolt older", updated_at="2026-09-01T08:00:00Z"),  # older: loses
            account("A3", "Core"),
        ],
    )
    write_csv(
        env.crm / "accounts_part2.csv",
        ACCOUNT_COLUMNS,
        [
            account("A3", "Core tie", updated_at="2026-10-01T08:00:00Z"),  # same updated_at, later load: wins
            account("A4", "Dash"),
        ],
    )
    extract_crm(env.settings, "night2", D2)
    raw_end_of_d2 = env.query(raw_sql)
    assert [r[1] for r in raw_end_of_d2] == ["Acme 2", "Bolt", "Core tie", "Dash"]
    assert latest_per_key_as_of(env, "accounts", "account_id", D1, columns) == raw_end_of_d1
    assert latest_per_key_as_of(env, "accounts", "account_id", D2, columns) == raw_end_of_d2
    assert latest_per_key_as_of(env, "accounts", "account_id", D3, columns) == raw_end_of_d2


def test_history_is_seeded_once_from_a_warehouse_loaded_before_it_existed(env):
    write_csv(env.erp / "orders_1.csv", ORDER_COLUMNS, [order("O1"), order("O2")])
    extract_erp(env.settings, "night1", D1)
    con = connect(env.settings)
    con.execute("delete from raw_history.orders")  # as a warehouse of before decision 0009
    con.close()
    write_csv(
        env.erp / "orders_2.csv", ORDER_COLUMNS, [order("O2", status="shipped", updated_at="2026-01-11T00:00:00Z")]
    )
    extract_erp(env.settings, "night2", D2)
    assert env.query("select order_id, status, _run_id, _as_of_date from raw_history.orders order by _load_seq") == [
        ("O1", "placed", "night1", date(1900, 1, 1)),
        ("O2", "placed", "night1", date(1900, 1, 1)),
        ("O2", "shipped", "night2", D2),
    ]
