"""A publication killed between its warehouse commit and the BI file's rename, and its repair.

The kill is simulated by running the pieces of publish_run up to the point of the
kill and closing the connection (or by an exception that, like a signal, is not an
Exception, raised where the snapshot renames its file).
"""

from __future__ import annotations

import duckdb
import pytest

import kam.warehouse.duckdb_snapshot as snapshot
from kam.publish import publish_run, reconcile_publishing
from kam.publish.exposures import reporting_tables
from kam.publish.run_record import PUBLISHING, run_record
from kam.warehouse import open_warehouse
from kam.warehouse.duckdb_reconcile import MARKED_PUBLISHED, REMOVED, Reconciled
from tests.integration.publish.fake_candidates import PASSED_GATE, as_of_of, build_candidates
from tests.integration.publish.reporting_reads import pipeline_runs, reporting_db_fingerprints, warehouse_fingerprints


class Killed(BaseException):
    """Stands for SIGKILL/SIGTERM: not an Exception, so nothing catches it on the way."""


def _warehouse_runs(settings) -> list[tuple[str, str]]:
    con = duckdb.connect(settings.warehouse, read_only=True)
    try:
        return con.execute("select run_id, status from reporting.pipeline_runs order by finished_at").fetchall()
    finally:
        con.close()


def _commit_night(settings, night: int, then=None) -> str:
    """The warehouse commit of night `night` (status publishing), optionally `then(warehouse, run_id)`; no mark."""
    d = build_candidates(settings.warehouse, night)
    run_id = f"night-{night}"
    record = run_record(
        run_id=run_id,
        as_of=d,
        started_at="2026-10-10T00:00:00Z",
        status=PUBLISHING,
        gate_result=PASSED_GATE,
        row_counts={},
        source_watermarks={},
    )
    with open_warehouse(settings) as warehouse:
        warehouse.publish(reporting_tables(), record)
        if then is not None:
            then(warehouse, run_id)
    # the process dies here
    return run_id


def test_a_kill_before_the_rename_leaves_publishing_and_reconcile_restores_what_bi_holds(settings, publish_night):
    publish_night(1)
    bi_before = reporting_db_fingerprints(settings.reporting_db)

    _commit_night(settings, 2)

    assert _warehouse_runs(settings) == [("night-1", "published"), ("night-2", "publishing")]
    assert [(r["run_id"], r["status"]) for r in pipeline_runs(settings.reporting_db)] == [("night-1", "published")]
    assert warehouse_fingerprints(settings.warehouse) != bi_before  # the warehouse holds night 2, BI night 1

    assert reconcile_publishing(settings) == [Reconciled("night-2", as_of_of(2), REMOVED)]
    assert _warehouse_runs(settings) == [("night-1", "published")]
    assert warehouse_fingerprints(settings.warehouse) == bi_before == reporting_db_fingerprints(settings.reporting_db)
    assert reconcile_publishing(settings) == []  # nothing left to repair


def test_a_kill_after_the_rename_leaves_publishing_and_reconcile_marks_it_published(settings, publish_night):
    publish_night(1)

    _commit_night(settings, 2, then=lambda warehouse, run_id: warehouse.publish_to_bi(run_id))

    assert _warehouse_runs(settings) == [("night-1", "published"), ("night-2", "publishing")]
    assert [(r["run_id"], r["status"]) for r in pipeline_runs(settings.reporting_db)] == [
        ("night-1", "published"),
        ("night-2", "published"),
    ]

    assert reconcile_publishing(settings) == [Reconciled("night-2", as_of_of(2), MARKED_PUBLISHED)]
    assert _warehouse_runs(settings) == [("night-1", "published"), ("night-2", "published")]
    assert warehouse_fingerprints(settings.warehouse) == reporting_db_fingerprints(settings.reporting_db)


def test_a_kill_inside_the_snapshot_leaves_publishing_and_the_next_publication_repairs_it(
    settings, publish_night, monkeypatch
):
    publish_night(1)
    bi_before = reporting_db_fingerprints(settings.reporting_db)

    def killed_at_rename(src, dst):
        raise Killed()

    monkeypatch.setattr(snapshot.os, "replace", killed_at_rename)
    with pytest.raises(Killed):
        publish_night(2)
    monkeypatch.undo()

    assert _warehouse_runs(settings) == [("night-1", "published"), ("night-2", "publishing")]
    assert reporting_db_fingerprints(settings.reporting_db) == bi_before
    assert sorted(p.name for p in (settings.home / "bi").iterdir()) == ["reporting.duckdb"]

    publish_night(2, run_id="night-2-rerun")  # publish_run reconciles first
    assert _warehouse_runs(settings) == [("night-1", "published"), ("night-2-rerun", "published")]
    assert [(r["run_id"], r["status"]) for r in pipeline_runs(settings.reporting_db)] == [
        ("night-1", "published"),
        ("night-2-rerun", "published"),
    ]


def test_a_failing_snapshot_puts_the_warehouse_back_on_what_bi_holds(settings, publish_night, monkeypatch):
    publish_night(1)
    bi_before = reporting_db_fingerprints(settings.reporting_db)

    def disk_full(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(snapshot.os, "replace", disk_full)
    with pytest.raises(OSError, match="disk full"):
        publish_night(2)

    assert _warehouse_runs(settings) == [("night-1", "published")]
    assert warehouse_fingerprints(settings.warehouse) == bi_before


def test_a_killed_first_publication_leaves_no_published_row(settings):
    _commit_night(settings, 1)
    assert _warehouse_runs(settings) == [("night-1", "publishing")]

    assert reconcile_publishing(settings) == [Reconciled("night-1", as_of_of(1), REMOVED)]
    assert _warehouse_runs(settings) == []
    # the tables the killed publication replaced are gone too: a later blocked night's snapshot
    # must not show BI a night nobody published
    assert set(warehouse_fingerprints(settings.warehouse)) <= {"pipeline_runs"}


def test_a_published_run_is_published_in_the_warehouse_and_in_bi(settings):
    d = build_candidates(settings.warehouse, 1)
    publish_run(settings, run_id="night-1", as_of=d, started_at="2026-10-03T00:00:00Z", gate_result_json=PASSED_GATE)
    assert _warehouse_runs(settings) == [("night-1", "published")]
    assert [(r["run_id"], r["status"]) for r in pipeline_runs(settings.reporting_db)] == [("night-1", "published")]
