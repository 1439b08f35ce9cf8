"""`source_files_readable`: a file extraction could not read blocks the night, comes first in the
result, the summary and the report, and the derived checks are marked as its possible consequences."""

from __future__ import annotations

import json

from kam.quality import write_report

from . import fake_warehouse as fw

ERROR = "missing required column order_date"
PART = "erp/orders/part_3.csv"


def _unreadable_orders_file(con):
    fw.add_source_error(con, "orders", PART, ERROR)
    fw.add_quarantine(con, "orders", 15)  # a derived check fails too


def test_an_unreadable_file_fails_the_first_check_naming_object_file_and_error(warehouse, gate):
    _unreadable_orders_file(warehouse)
    result = gate()
    assert [c.name for c in result.failed_checks] == ["source_files_readable", "quarantine_share"]
    check = result.checks[0]
    assert check.name == "source_files_readable" and not check.passed and check.observed == 1
    assert check.message == (
        f"1 source file(s) of 2026-10-15 cannot be read, so orders was not loaded: orders file {PART}: {ERROR}"
    )
    assert check.action == (
        "fix or replace the file, rerun the date 2026-10-15 (the checks below may fail because of it)"
    )
    assert result.check("quarantine_share").consequence_of == "source_files_readable"
    assert result.check("freshness").consequence_of is None  # passed checks are no consequence


def test_the_summary_lists_the_source_error_first(warehouse, gate):
    _unreadable_orders_file(warehouse)
    lines = gate().summary().splitlines()
    assert lines[1].startswith(
        f"  FAILED source_files_readable [failed]: 1 source file(s) of 2026-10-15 "
        f"cannot be read, so orders was not loaded: orders file {PART}: {ERROR}"
    )
    assert lines[2] == "  the checks below may fail because of source_files_readable:"
    assert lines[3].startswith("  FAILED quarantine_share [failed]")
    assert len(lines) == 4


def test_report_and_json_put_the_source_error_first(warehouse, gate, tmp_path):
    _unreadable_orders_file(warehouse)
    result = gate()
    html = write_report(result, tmp_path).read_text(encoding="utf-8")
    errors_at = html.index("Extraction errors: source files that cannot be read")
    assert errors_at < html.index("<h2>Failed checks</h2>") < html.index("<code>quarantine_share</code>: quarantine")
    assert "The checks below may fail because of it" in html
    assert f"<li><code>orders</code> file <code>{PART}</code>: {ERROR}</li>" in html
    assert "make run AS_OF=2026-10-15 VARS=" in html  # how to override a threshold
    data = json.loads((tmp_path / "2026-10-15" / fw.RUN_ID / "gate_result.json").read_text())
    assert data["checks"][0]["name"] == "source_files_readable"
    assert data["failed_checks"][0]["errors"] == [{"object": "orders", "source": PART, "error": ERROR}]
    assert data["failed_checks"][1]["consequence_of"] == "source_files_readable"


def test_an_error_superseded_by_a_later_read_of_that_source_in_the_date_no_longer_counts(warehouse, gate):
    fw.add_source_error(warehouse, "orders", PART, ERROR, recorded_at="2026-10-16 02:02:00")
    fw.add_read(warehouse, "orders", PART, "fixed", 10, 0, run_id="rerun", read_at="2026-10-16 09:00:00")
    check = gate().check("source_files_readable")
    assert check.passed and check.observed == 0


def test_an_error_after_the_last_read_counts(warehouse, gate):
    fw.add_read(warehouse, "orders", PART, "good", 10, 0, read_at="2026-10-16 02:01:00")
    fw.add_source_error(warehouse, "orders", PART, ERROR, recorded_at="2026-10-16 09:00:00", run_id="rerun")
    check = gate().check("source_files_readable")
    assert not check.passed and check.observed == 1
    assert check.details["errors"][0]["run_id"] == "rerun"


def test_errors_of_another_date_do_not_count(warehouse, gate):
    fw.add_source_error(warehouse, "orders", PART, ERROR, as_of="2026-10-14")
    assert gate().check("source_files_readable").passed
    assert not gate(as_of="2026-10-14").check("source_files_readable").passed


def test_without_meta_source_errors_the_check_fails_closed(warehouse, gate):
    warehouse.execute("drop table meta.source_errors")
    check = gate().check("source_files_readable")
    assert not check.passed
    assert check.message == "meta.source_errors not found: whether every file could be read is unknown"
