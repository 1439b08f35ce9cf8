"""Sources that cannot be read as the contract says: clear errors naming object, column and path."""
from __future__ import annotations

import duckdb
import pytest
from extract_helpers import ORDER_COLUMNS, order, write_csv, write_jsonl

from kam.extract import ExtractError, extract_crm, extract_erp
from kam.extract.__main__ import main


def test_missing_required_column_in_a_csv_part(env):
    write_csv(env.erp / "orders_part1.csv", ORDER_COLUMNS, [order("O1")])
    without_currency = [c for c in ORDER_COLUMNS if c != "currency"]
    write_csv(env.erp / "orders_part2.csv", without_currency, [])
    with pytest.raises(ExtractError) as caught:
        extract_erp(env.settings, "n1")
    assert str(caught.value) == "orders: required column 'currency' missing in erp/orders_part2.csv"
    # nothing of the night was written, not even the good part file
    assert env.query("select count(*) from raw.orders") == [(0,)]
    assert env.query("select count(*) from meta.loaded_files") == [(0,)]


def test_missing_required_column_in_parquet(env):
    con = duckdb.connect()
    con.execute(f"copy (select 'O1' as order_id) to '{env.erp / 'orders_x.parquet'}' (format parquet)")
    with pytest.raises(ExtractError, match=r"^orders: required column 'customer_id' missing in erp/orders_x.parquet$"):
        extract_erp(env.settings, "n1")


def test_missing_required_column_in_jsonl(env):
    write_jsonl(env.crm / "surveys.jsonl", [{"survey_id": "S1", "account_id": "C1",
                                              "responded_at": "2026-01-01", "updated_at": "2026-01-01"}])
    with pytest.raises(ExtractError, match=r"^surveys: required column 'score' missing in crm/surveys.jsonl$"):
        extract_crm(env.settings, "n1")


def test_optional_column_may_be_absent(env):
    header = ["account_id", "name", "industry", "region", "country", "employees", "annual_budget",
              "account_manager", "kam_designated", "is_image_maker", "is_expert", "created_at", "updated_at"]
    write_csv(env.crm / "accounts.csv", header,
              [["C1", "Acme", "", "", "", "", "", "", "true", "false", "false", "2024-01-01", "2024-01-01"]])
    extract_crm(env.settings, "n1")
    assert env.query("select account_id, is_deleted from raw.accounts") == [("C1", None)]


def test_nonexistent_source_folder(env, tmp_path):
    from dataclasses import replace
    settings = replace(env.settings, crm_source=str(tmp_path / "missing_crm"))
    with pytest.raises(ExtractError, match=r"source folder not found or not a directory: .*missing_crm"):
        extract_crm(settings, "n1")


def test_required_object_without_any_file(env):
    (env.crm / "contacts.csv").unlink()
    with pytest.raises(ExtractError, match=r"^contacts: no source file in .*crm"):
        extract_crm(env.settings, "n1")


def test_unreadable_file_names_the_path(env):
    (env.erp / "orders_bad.csv").write_bytes(b"order_id,customer_id\n\xff\xfe\x00bad")
    with pytest.raises(ExtractError, match=r"orders_bad\.csv"):
        extract_erp(env.settings, "n1")


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
    assert main(["--system", "erp", "--run-id", "cli"]) == 0
    out = capsys.readouterr().out
    assert '"run_id": "cli"' in out and '"accounts"' not in out
    assert env.query("select order_id, _run_id from raw.orders") == [("O1", "cli")]
