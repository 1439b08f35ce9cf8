"""record_blocked: only pipeline_runs changes; reporting tables and the export folder stay byte-identical."""

from __future__ import annotations

from datetime import datetime

from kam.export import export_run
from kam.publish import record_blocked
from tests.integration.publish.fake_candidates import as_of_of, build_candidates, expected_counts
from tests.integration.publish.reporting_reads import (
    folder_fingerprint,
    pipeline_runs,
    reporting_db_fingerprints,
    warehouse_fingerprints,
)

FAILED_GATE = {
    "passed": False,
    "failed_checks": [{"name": "row_count_change", "observed": 0.857, "threshold": 0.25}],
    "warnings": [{"name": "orders_without_rate", "observed": 12}],
}


def test_a_blocked_run_changes_only_pipeline_runs(settings, publish_night):
    publish_night(1)
    folder = export_run(settings, run_id="night-1", as_of=as_of_of(1))
    reporting_before = reporting_db_fingerprints(settings.reporting_db)
    warehouse_before = warehouse_fingerprints(settings.warehouse)
    export_before = folder_fingerprint(settings.export_dir)
    assert set(reporting_before) >= {"customer_segments", "customer_segments_history", "segment_changes"}

    build_candidates(settings.warehouse, 3)  # candidates that would change every table
    result = record_blocked(
        settings,
        run_id="night-3",
        as_of=as_of_of(3),
        started_at=datetime(2026, 10, 5, 2, 0),
        gate_result_json=FAILED_GATE,
    )

    assert result.status == "blocked"
    assert reporting_db_fingerprints(settings.reporting_db) == reporting_before
    assert warehouse_fingerprints(settings.warehouse) == warehouse_before
    assert folder_fingerprint(settings.export_dir) == export_before
    assert sorted(p.name for p in settings.export_dir.iterdir()) == [folder.name]
    runs = pipeline_runs(settings.reporting_db)
    assert [(r["run_id"], r["status"]) for r in runs] == [("night-1", "published"), ("night-3", "blocked")]
    blocked = runs[1]
    assert blocked["as_of_date"] == as_of_of(3)
    assert blocked["failed_checks"] == FAILED_GATE["failed_checks"]
    assert blocked["warnings"] == FAILED_GATE["warnings"]
    assert blocked["row_counts"]["customer_segments"] == expected_counts(3)["customer_segments"]


def test_a_blocked_first_night_publishes_only_its_run(settings):
    build_candidates(settings.warehouse, 1)
    record_blocked(
        settings,
        run_id="night-1",
        as_of=as_of_of(1),
        started_at="2026-10-03T02:00:00Z",
        gate_result_json={
            "passed": False,
            "warnings": [],
            "failed_checks": [{"name": "freshness", "newest_order_age_hours": 73.5}],
        },
    )
    assert reporting_db_fingerprints(settings.reporting_db) == {}
    [run] = pipeline_runs(settings.reporting_db)
    assert run["status"] == "blocked"
    assert run["failed_checks"] == [{"name": "freshness", "newest_order_age_hours": 73.5}]
    assert run["started_at"] == datetime(2026, 10, 3, 2, 0)
