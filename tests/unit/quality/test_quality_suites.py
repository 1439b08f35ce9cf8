"""The expectation suites: one valid JSON suite per published table; a bad one is named, not dropped."""
from __future__ import annotations

import json

import pytest

from kam.quality import expectations
from kam.quality.expectations import PUBLISHED_TABLES, SUITES_DIR, build_suite, load_suite_config

GATE_CHECKS = {"one_row_per_customer", "abc_revenue_iff_revenue", "revenue_shares_sum_to_one"}


def test_one_suite_per_published_table():
    assert sorted(p.stem for p in SUITES_DIR.glob("*.json")) == sorted(PUBLISHED_TABLES)


@pytest.mark.parametrize("table", PUBLISHED_TABLES)
def test_every_expectation_of_the_suite_is_built(table):
    config = load_suite_config(table)
    suite = build_suite(table)
    assert config["name"] == table
    assert len(suite.expectations) == len(config["expectations"]) > 0
    assert {e.get("meta", {}).get("check") for e in config["expectations"]} - {None} <= GATE_CHECKS


def test_abc_xyz_matrix_has_exactly_ten_rows():
    counts = [e for e in load_suite_config("abc_xyz_matrix")["expectations"]
              if e["type"] == "expect_table_row_count_to_equal"]
    assert [e["kwargs"]["value"] for e in counts] == [10]


def test_an_invalid_expectation_is_reported_with_its_file(tmp_path, monkeypatch):
    (tmp_path / "customer_segments.json").write_text(json.dumps({"name": "customer_segments", "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "customer_id"}},
        {"type": "expect_column_values_to_be_tasty", "kwargs": {"column": "customer_id"}}]}))
    monkeypatch.setattr(expectations, "SUITES_DIR", tmp_path)
    with pytest.raises(ValueError, match=r"customer_segments.json: expectation #1 \(expect_column_values_to_be_tasty\)"):
        load_suite_config("customer_segments")
