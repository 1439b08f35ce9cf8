"""The gate report: an HTML page and the JSON result per run, naming what failed and what to do."""

from __future__ import annotations

import json

from kam.quality import write_report

from . import fake_warehouse as fw


def test_blocked_run_report_names_the_failed_check_and_what_to_do(warehouse, gate, tmp_path):
    fw.add_quarantine(warehouse, "orders", 15)
    result = gate()
    path = write_report(result, tmp_path / "reports")
    assert path == tmp_path / "reports" / "2026-10-15" / fw.RUN_ID / "gate_report.html"
    html = path.read_text(encoding="utf-8")
    assert "BLOCKED" in html
    assert (
        "<code>quarantine_share</code>: quarantine share of 2026-10-15 above 1.00% for orders 2.00% "
        "(20 open bad rows of 1000 delivered)"
    ) in html
    assert (
        "inspect quarantine.rows where as_of_date = &#x27;2026-10-15&#x27; and object in (&#x27;orders&#x27;)" in html
    )
    # every check appears, with what judged it (the GX expectation and its limit)
    for check in result.checks:
        assert f"<code>{check.name}</code>" in html
    assert "GX expect_column_values_to_be_between {&#x27;max_value&#x27;: 0.01}: not met (orders)" in html
    assert "<script" not in html and "http" not in html  # self-contained
    data = json.loads((path.parent / "gate_result.json").read_text())
    assert [c["name"] for c in data["failed_checks"]] == ["quarantine_share"] and data["passed"] is False
    gx_results = json.loads((path.parent / "gx_validation.json").read_text())
    assert gx_results[0]["success"] is False and gx_results[0]["suite_name"] == "gate"


def test_passed_run_report(gate, tmp_path):
    path = write_report(gate(), tmp_path)
    html = path.read_text(encoding="utf-8")
    assert "Data-quality gate passed" in html and "Failed checks" not in html


def test_summary_has_one_line_per_failed_check_with_numbers(warehouse, gate):
    fw.add_quarantine(warehouse, "orders", 15)
    fw.set_published(warehouse, 6)
    lines = gate().summary().splitlines()
    assert lines[0].startswith("data-quality gate BLOCKED for as-of 2026-10-15 (run run_test)")
    assert len(lines) == 3
    assert lines[1].startswith(
        "  FAILED quarantine_share [failed]: quarantine share of 2026-10-15 above 1.00% for orders 2.00%"
    )
    assert "-> inspect quarantine.rows" in lines[1]
    assert lines[2].startswith("  FAILED row_count_change [failed]: customer_segments has 8 rows vs 6 last published")
    assert "+33.3%" in lines[2]
