"""The one-screen summary of `make run`: a night blocked by unreadable files says those first."""

from __future__ import annotations

import json
from datetime import date

from kam.cli.summary import RunSummary

SOURCE_ERROR = {
    "name": "source_files_readable",
    "observed": 1,
    "threshold": 0,
    "message": "1 source file(s) of 2026-10-15 cannot be read, so orders was not loaded: ...",
    "errors": [{"object": "orders", "source": "erp/orders/part_3.csv", "error": "missing required column order_date"}],
}
DERIVED = [
    {"name": "quarantine_share", "message": "...", "consequence_of": "source_files_readable"},
    {"name": "freshness", "message": "...", "consequence_of": "source_files_readable"},
]


def _summary(failed: list) -> RunSummary:
    return RunSummary(run={"run_id": "r1", "status": "blocked", "failed_checks": json.dumps(failed)})


def test_a_blocked_night_prints_its_extraction_errors_before_the_derived_checks():
    assert _summary([SOURCE_ERROR, *DERIVED]).lines() == [
        "run r1: BLOCKED",
        "  extraction errors (source files that cannot be read; fix or replace the file, rerun the date):",
        "    orders file erp/orders/part_3.csv: missing required column order_date",
        "  failed checks that may follow from them: quarantine_share, freshness",
        "reporting tables: nothing published yet",
    ]


def test_without_extraction_errors_the_failed_checks_are_listed():
    assert _summary(DERIVED).lines()[:2] == ["run r1: BLOCKED", "  failed checks: quarantine_share, freshness"]


def test_names_only_as_older_runs_recorded_them():
    summary = _summary(["class_a_share", "freshness"])
    assert summary.failed_checks() == ["class_a_share", "freshness"]
    assert summary.extraction_errors() == []
    assert RunSummary(published_as_of=date(2026, 10, 15)).extraction_errors() == []
