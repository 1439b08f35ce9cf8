"""Sources that cannot be read as the contract says: clear errors naming object, column and path."""

from __future__ import annotations

from datetime import UTC

import duckdb
import pytest
from extract_helpers import AS_OF, ORDER_COLUMNS, order, write_csv, write_jsonl

from kam.extract import ExtractError, extract_crm, extract_erp
from kam.extract.__main__ import main

LINE_COLUMNS = [
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


def source_errors(env) -> list[tuple]:
    return env.query("select as_of_date, run_id, object, source, error from meta.source_errors order by all")


def test_missing_required_column_in_a_csv_part_stops_only_that_object(env):
    write_csv(env.erp / "orders_part1.csv", ORDER_COLUMNS, [order("O1")])
    without_currency = [c for c in ORDER_COLUMNS if c != "currency"]
    write_csv(env.erp / "orders_part2.csv", without_currency, [])
    write_csv(env.erp / "order_lines_1.csv", LINE_COLUMNS, [["O1", "1", "P1", "", "1", "", "2", "", "2026-01-01"]])
    report = extract_erp(env.settings, "n1", AS_OF)  # does not raise: the night goes on
    error = "orders: required column 'currency' missing in erp/orders_part2.csv"
    assert report.objects["orders"].source_errors == [error]
    assert report.source_errors == {"orders": [error]}
    assert source_errors(env) == [(AS_OF, "n1", "orders", "erp/orders_part2.csv", error)]
    # nothing of orders was written, not even the good part file; order_lines loaded
    assert env.query("select count(*) from raw.orders") == [(0,)]
    assert env.query("select object, count(*) from meta.loaded_files group by 1 order by 1") == [("order_lines", 2)]
    assert env.query("select object, count(*) from meta.source_reads group by 1 order by 1") == [("order_lines", 2)]
    assert env.query("select order_id from raw.order_lines") == [("O1",)]
    assert env.query("select object, rows_read from meta.extract_runs where object = 'orders'") == [("orders", 0)]


def test_a_duplicate_header_column_is_a_source_error_and_other_objects_load(env):
    write_csv(env.erp / "orders_part1.csv", ORDER_COLUMNS, [order("O1")])
    write_csv(env.erp / "orders_part2.csv", ORDER_COLUMNS + ["status"], [order("O2") + ["shipped"]])
    write_csv(env.erp / "order_lines_1.csv", LINE_COLUMNS, [["O1", "1", "P1", "", "1", "", "2", "", "2026-01-01"]])
    report = extract_erp(env.settings, "n1", AS_OF)
    error = "orders: header names column 'status' twice in erp/orders_part2.csv"
    assert source_errors(env) == [(AS_OF, "n1", "orders", "erp/orders_part2.csv", error)]
    assert (report.objects["orders"].rows_read, report.objects["orders"].files) == (0, [])
    assert env.query("select count(*) from raw.orders") == [(0,)]
    assert env.query("select count(*) from quarantine.rows") == [(0,)]
    assert env.query("select order_id from raw.order_lines") == [("O1",)]
    # fixed in place: the next run loads both part files (neither was recorded as loaded)
    write_csv(env.erp / "orders_part2.csv", ORDER_COLUMNS, [order("O2", status="shipped")])
    fixed = extract_erp(env.settings, "n2", AS_OF)
    assert fixed.objects["orders"].source_errors == []
    assert env.query("select order_id, status from raw.orders order by 1") == [("O1", "placed"), ("O2", "shipped")]


def test_missing_required_column_in_parquet(env):
    con = duckdb.connect()
    con.execute(f"copy (select 'O1' as order_id) to '{env.erp / 'orders_x.parquet'}' (format parquet)")
    report = extract_erp(env.settings, "n1", AS_OF)
    assert report.objects["orders"].source_errors == [
        "orders: required column 'customer_id' missing in erp/orders_x.parquet"
    ]


def test_missing_required_column_in_jsonl(env):
    write_jsonl(
        env.crm / "surveys.jsonl",
        [{"survey_id": "S1", "account_id": "C1", "responded_at": "2026-01-01", "updated_at": "2026-01-01"}],
    )
    report = extract_crm(env.settings, "n1", AS_OF)
    assert report.objects["surveys"].source_errors == ["surveys: required column 'score' missing in crm/surveys.jsonl"]
    assert source_errors(env) == [
        (AS_OF, "n1", "surveys", "crm/surveys.jsonl", "surveys: required column 'score' missing in crm/surveys.jsonl")
    ]


def test_optional_column_may_be_absent(env):
    header = [
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
    write_csv(
        env.crm / "accounts.csv",
        header,
        [["C1", "Acme", "", "", "", "", "", "", "true", "false", "false", "2024-01-01", "2024-01-01"]],
    )
    extract_crm(env.settings, "n1", AS_OF)
    assert env.query("select account_id, is_deleted from raw.accounts") == [("C1", None)]


def test_nonexistent_source_folder(env, tmp_path):
    from dataclasses import replace

    settings = replace(env.settings, crm_source=str(tmp_path / "missing_crm"))
    with pytest.raises(ExtractError, match=r"source folder not found or not a directory: .*missing_crm"):
        extract_crm(settings, "n1", AS_OF)


def test_required_object_without_any_file(env):
    (env.crm / "contacts.csv").unlink()
    with pytest.raises(ExtractError, match=r"^contacts: no source file in .*crm"):
        extract_crm(env.settings, "n1", AS_OF)


def test_unreadable_file_names_the_path(env):
    (env.erp / "orders_bad.csv").write_bytes(b"order_id,customer_id\n\xff\xfe\x00bad")
    report = extract_erp(env.settings, "n1", AS_OF)
    (error,) = report.objects["orders"].source_errors
    assert error.startswith("orders: ") and error.endswith(" in erp/orders_bad.csv")
    assert env.query("select source from meta.source_errors") == [("erp/orders_bad.csv",)]


def test_cli_reports_a_source_error_with_exit_code_2(env, monkeypatch, capsys):
    monkeypatch.setenv("KAM_ORDERS_SOURCE", str(env.root / "nowhere"))
    monkeypatch.setenv("KAM_CRM_SOURCE", str(env.crm))
    monkeypatch.setenv("KAM_WAREHOUSE", env.settings.warehouse)
    monkeypatch.setenv("KAM_HOME", str(env.root))
    assert main(["--system", "erp", "--run-id", "cli"]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_cli_extracts_one_system(env, monkeypatch, capsys):
    write_csv(env.erp / "orders_1.csv", ORDER_COLUMNS, [order("O1")])
    monkeypatch.setenv("KAM_ORDERS_SOURCE", str(env.erp))
    monkeypatch.setenv("KAM_CRM_SOURCE", str(env.crm))
    monkeypatch.setenv("KAM_WAREHOUSE", env.settings.warehouse)
    monkeypatch.setenv("KAM_HOME", str(env.root))
    assert main(["--system", "erp", "--run-id", "cli", "--as-of", "2026-10-16"]) == 0
    out = capsys.readouterr().out
    assert '"run_id": "cli"' in out and '"as_of": "2026-10-16"' in out and '"mode": "nightly"' in out
    assert '"accounts"' not in out
    assert env.query("select order_id, _run_id, _as_of_date from raw_history.orders") == [("O1", "cli", AS_OF)]


def test_cli_as_of_defaults_to_yesterday_utc(env, monkeypatch):
    from datetime import datetime, timedelta

    monkeypatch.setenv("KAM_ORDERS_SOURCE", str(env.erp))
    monkeypatch.setenv("KAM_CRM_SOURCE", str(env.crm))
    monkeypatch.setenv("KAM_WAREHOUSE", env.settings.warehouse)
    monkeypatch.setenv("KAM_HOME", str(env.root))
    assert main(["--system", "erp", "--run-id", "cli"]) == 0
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    assert env.query("select distinct as_of_date from meta.extract_runs") == [(yesterday,)]


def test_a_parquet_part_whose_pages_do_not_decode_is_a_source_error(env):
    path = env.erp / "orders_part1.parquet"
    con = duckdb.connect()
    con.execute(
        f"copy (select 'O' || i as order_id, 'C1' as customer_id, date '2026-01-01' as order_date, "
        f"null::date as promised_date, null::date as delivered_date, 'placed' as status, 'EUR' as currency, timestamp '2026-01-01' as updated_at from range(100000) t(i)) "
        f"to '{path}' (format parquet, compression zstd)"
    )
    con.close()
    size = path.stat().st_size
    with open(path, "r+b") as handle:  # the pages are overwritten, the footer (schema) stays readable
        handle.seek(4)
        handle.write(b"\x00\x13" * (size // 3))
    report = extract_erp(env.settings, "n1", AS_OF)
    error = "orders: not a readable Parquet file (TProtocolException: Invalid data) in erp/orders_part1.parquet"
    assert report.objects["orders"].source_errors == [error]
    assert source_errors(env) == [(AS_OF, "n1", "orders", "erp/orders_part1.parquet", error)]
    assert env.query("select count(*) from raw.orders") == [(0,)]
