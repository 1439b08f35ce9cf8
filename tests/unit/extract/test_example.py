"""The worked example (../shared/examples/small): quarantine exactly as expected, one row per key."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import pytest
from extract_helpers import AS_OF, EXAMPLE, Env

from kam.config import load_settings
from kam.extract import extract_all


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    if not EXAMPLE.exists():
        pytest.skip(f"worked example not found at {EXAMPLE}")
    root = tmp_path_factory.mktemp("example")
    env = Env.__new__(Env)
    env.settings = replace(
        load_settings(),
        home=root,
        orders_source=str(EXAMPLE / "src" / "erp"),
        crm_source=str(EXAMPLE / "src" / "crm"),
        warehouse=str(root / "warehouse.duckdb"),
    )
    report = extract_all(env.settings, run_id="example_run", as_of=AS_OF)
    return env, report


def test_quarantine_rows_match_expected_exactly(example):
    env, _ = example
    with open(EXAMPLE / "expected" / "expected_quarantine_rows.csv", newline="") as handle:
        expected = sorted(
            (r["object"], r["reason"], r["file"], int(r["row"]), json.dumps(json.loads(r["raw"])))
            for r in csv.DictReader(handle)
        )
    actual = sorted(
        (o, reason, source, row, json.dumps(json.loads(raw)))
        for o, reason, source, row, raw in env.query(
            "select object, reason, source, row_number, raw from quarantine.rows"
        )
    )
    assert actual == expected


def test_quarantine_counts_match_expected(example):
    env, report = example
    expected = json.loads((EXAMPLE / "expected" / "expected_quarantine_counts.json").read_text())
    assert {name: rep.rows_quarantined for name, rep in report.objects.items()} == expected
    stored = dict(env.query("select object, rows_quarantined from meta.extract_runs where run_id = 'example_run'"))
    assert stored == expected


def test_every_quarantine_row_carries_the_run(example):
    env, _ = example
    assert env.query("select distinct run_id from quarantine.rows") == [("example_run",)]


def test_raw_has_one_row_per_key(example):
    env, _ = example
    assert env.query("select count(*), count(distinct order_id) from raw.orders")[0] == (1932, 1932)
    assert env.query("select count(*) from (select distinct order_id, line_number from raw.order_lines)") == env.query(
        "select count(*) from raw.order_lines"
    )


def test_example_values_are_cleaned(example):
    env, _ = example
    # ' Delivered' in the file: trimmed, lower-case
    assert env.query("select status from raw.orders where order_id = 'SO101752'") == [("delivered",)]
    # re-sent in orders_part2 with '+05:30': the later instant (2026-10-15 20:13 UTC) wins
    rows = env.query("select updated_at, _source, _run_id from raw.orders where order_id = 'SO100147'")
    assert [(str(r[0]), r[1], r[2]) for r in rows] == [("2026-10-15 20:13:00", "erp/orders_part2.csv", "example_run")]
    # enum in JSONL 'SERVICE' and timestamps with offsets
    assert env.query("select category, cast(opened_at as varchar) from raw.cases where case_id = 'CS000003'") == [
        ("service", "2025-10-14 15:44:00")
    ]
    assert env.query("select count(*) from raw.opportunities where stage not in ('open', 'won', 'lost')") == [(0,)]


def test_report_figures(example):
    _, report = example
    orders = report.objects["orders"]
    assert (orders.rows_read, orders.rows_loaded, orders.rows_quarantined) == (1970, 1966, 4)
    assert orders.files == ["erp/orders_part1.csv", "erp/orders_part2.csv"]
    assert report.objects["fx_rates"].watermark is None
    assert set(report.objects) == {
        "orders",
        "order_lines",
        "fx_rates",
        "accounts",
        "contacts",
        "opportunities",
        "activities",
        "cases",
        "surveys",
    }


def test_rerun_changes_nothing(example):
    env, _ = example
    tables = ["raw.orders", "raw.order_lines", "raw.fx_rates", "raw.accounts", "raw.cases", "quarantine.rows"]
    before = {t: sorted(map(repr, env.query(f"select * from {t}"))) for t in tables}
    runs_sql = "select * exclude (finished_at) from meta.extract_runs order by object"
    runs_before = env.query(runs_sql)
    report = extract_all(env.settings, run_id="example_run", as_of=AS_OF)
    after = {t: sorted(map(repr, env.query(f"select * from {t}"))) for t in tables}
    assert after == before
    assert env.query(runs_sql) == runs_before
    assert report.objects["orders"].rows_quarantined == 4  # this run's figures are kept on a retry
