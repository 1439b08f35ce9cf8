"""Which file belongs to which object, and load order."""

from __future__ import annotations

import pytest

from kam.extract.discovery import CRM_EXTENSIONS, ERP_EXTENSIONS, files_by_object, object_of
from kam.extract.errors import ExtractError

ERP = ["orders", "order_lines", "fx_rates"]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("orders.csv", "orders"),
        ("orders_part2.csv", "orders"),
        ("orders.parquet", "orders"),
        ("order_lines.csv", "order_lines"),
        ("order_lines_part1.csv", "order_lines"),
        ("order_lines_2026-10-15.parquet", "order_lines"),
        ("fx_rates.CSV", "fx_rates"),
        ("order.csv", None),
        ("orders.jsonl", None),
        ("customers.csv", None),
    ],
)
def test_object_of_erp_file_names(name, expected):
    assert object_of(name, ERP, ERP_EXTENSIONS) == expected


def test_crm_accepts_jsonl_not_parquet():
    assert object_of("cases_part1.jsonl", ["cases"], CRM_EXTENSIONS) == "cases"
    assert object_of("cases.parquet", ["cases"], CRM_EXTENSIONS) is None


def test_files_sorted_by_name_per_object(tmp_path):
    for name in [
        "orders_part2.csv",
        "order_lines_b.csv",
        "orders_part10.csv",
        "orders.csv",
        "order_lines_a.csv",
        "notes.txt",
    ]:
        (tmp_path / name).write_text("x\n")
    found = files_by_object(tmp_path, ERP, ERP_EXTENSIONS)
    assert [p.name for p in found["orders"]] == ["orders.csv", "orders_part10.csv", "orders_part2.csv"]
    assert [p.name for p in found["order_lines"]] == ["order_lines_a.csv", "order_lines_b.csv"]
    assert found["fx_rates"] == []


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ExtractError, match=r"source folder not found.*nowhere"):
        files_by_object(tmp_path / "nowhere", ERP, ERP_EXTENSIONS)
