"""publish_run: the reporting tables, pipeline_runs and the reporting DB snapshot after a publication."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from kam.publish import publish_run
from kam.publish.exposures import reporting_tables
from kam.warehouse.reporting_db import open_reporting_db
from tests.integration.publish.fake_candidates import PASSED_GATE, as_of_of, build_candidates, expected_counts
from tests.integration.publish.reporting_reads import pipeline_runs, reporting_db_fingerprints, warehouse_fingerprints

ALL_TABLES = {
    "customer_segments",
    "customer_segments_history",
    "abc_xyz_matrix",
    "key_accounts",
    "key_account_dossier",
    "win_back_list",
    "failure_dynamics_monthly",
    "kam_workload",
    "segment_changes",
}


def _count(con, table):
    return con.execute(f"select count(*) from {table}").fetchone()[0]


def test_the_published_tables_are_those_of_the_bi_exposure():
    assert set(reporting_tables()) == ALL_TABLES
    assert len(reporting_tables()) == len(ALL_TABLES)


def test_publish_copies_every_candidate_and_records_the_run(settings, publish_night):
    result = publish_night(1)

    assert result.status == "published" and result.as_of_date == date(2026, 10, 2)
    con = open_reporting_db(settings.reporting_db)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'reporting'"
            ).fetchall()
        }
        assert tables == ALL_TABLES | {"pipeline_runs"}
        counts = {t: _count(con, t) for t in expected_counts(1)}
        # types travel with the tables
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns where table_name = 'customer_segments'"
            ).fetchall()
        )
    finally:
        con.close()
    assert counts == expected_counts(1)
    assert types["revenue_12m"] == "DECIMAL(18,2)" and types["as_of_date"] == "DATE"
    assert types["is_key_account"] == "BOOLEAN"
    assert reporting_db_fingerprints(settings.reporting_db) == warehouse_fingerprints(settings.warehouse)

    [run] = pipeline_runs(settings.reporting_db)
    assert run["as_of_date"] == date(2026, 10, 2)
    assert run["run_id"] == "night-1"
    assert run["status"] == "published"
    assert run["started_at"] == datetime(2026, 10, 3, 0, 30)  # 23:30 at -01:00, stored as UTC
    assert run["finished_at"] >= run["started_at"]
    assert run["failed_checks"] == []
    assert run["warnings"] == [{"name": "margin_coverage_low", "observed": 0.85, "threshold": 0.9}]
    assert run["row_counts"] == {**expected_counts(1), "customer_segments_history": 7}
    assert run["source_watermarks"] == {"orders": "2026-10-02 20:00:00"}


def test_the_snapshot_is_a_closed_single_file(settings, publish_night):
    publish_night(1)
    publish_night(2)
    folder = settings.home / "bi"
    assert sorted(p.name for p in folder.iterdir()) == ["reporting.duckdb"]


def test_rerunning_a_date_replaces_that_date(settings, publish_night):
    publish_night(1)
    publish_night(2)
    publish_night(2, extra=5, run_id="night-2-rerun")

    con = open_reporting_db(settings.reporting_db)
    try:
        counts = {t: _count(con, t) for t in expected_counts(2)}
        history = dict(
            con.execute("select as_of_date, count(*) from customer_segments_history group by as_of_date").fetchall()
        )
    finally:
        con.close()
    assert counts == expected_counts(2, extra=5)
    assert history == {as_of_of(1): 7, as_of_of(2): 15}
    runs = pipeline_runs(settings.reporting_db)
    assert [(r["run_id"], r["as_of_date"], r["status"]) for r in runs] == [
        ("night-1", as_of_of(1), "published"),
        ("night-2", as_of_of(2), "published"),
        ("night-2-rerun", as_of_of(2), "published"),
    ]


def test_a_retried_run_keeps_one_pipeline_runs_row(settings, publish_night):
    publish_night(1)
    publish_night(1, extra=1)  # same run id night-1, e.g. an Airflow task retry
    runs = pipeline_runs(settings.reporting_db)
    assert [r["run_id"] for r in runs] == ["night-1"]
    assert runs[0]["row_counts"]["customer_segments"] == 8


def test_a_failed_gate_is_refused_and_changes_nothing(settings, publish_night):
    publish_night(1)
    before = reporting_db_fingerprints(settings.reporting_db)
    build_candidates(settings.warehouse, 2)
    with pytest.raises(ValueError, match=r"did not pass the gate.*row_count_change"):
        publish_run(
            settings,
            run_id="night-2",
            as_of=as_of_of(2),
            started_at=datetime(2026, 10, 4, 2),
            gate_result_json={"passed": False, "failed_checks": [{"name": "row_count_change"}], "warnings": []},
        )
    assert reporting_db_fingerprints(settings.reporting_db) == before
    assert [r["run_id"] for r in pipeline_runs(settings.reporting_db)] == ["night-1"]


def test_a_missing_candidate_is_named_and_nothing_is_published(settings, publish_night):
    publish_night(1)
    before = reporting_db_fingerprints(settings.reporting_db)
    build_candidates(settings.warehouse, 2)
    con = duckdb.connect(settings.warehouse)
    con.execute("drop table marts.kam_workload")
    con.close()
    with pytest.raises(RuntimeError, match="candidate tables missing in schema marts: kam_workload"):
        publish_run(
            settings,
            run_id="night-2",
            as_of=as_of_of(2),
            started_at=datetime(2026, 10, 4, 2),
            gate_result_json=PASSED_GATE,
        )
    assert reporting_db_fingerprints(settings.reporting_db) == before
    assert warehouse_fingerprints(settings.warehouse) == before


def test_a_failure_inside_the_transaction_rolls_every_table_back(settings, publish_night, monkeypatch):
    from kam.warehouse.duckdb_warehouse import DuckDBWarehouse

    publish_night(1)
    before = warehouse_fingerprints(settings.warehouse)
    snapshot_before = reporting_db_fingerprints(settings.reporting_db)

    def broken_run_row(warehouse, record):  # every table is already replaced when this fails
        raise RuntimeError("pipeline_runs unwritable")

    monkeypatch.setattr(DuckDBWarehouse, "write_run", broken_run_row)
    build_candidates(settings.warehouse, 2)
    with pytest.raises(RuntimeError, match="pipeline_runs unwritable"):
        publish_run(
            settings,
            run_id="night-2",
            as_of=as_of_of(2),
            started_at=datetime(2026, 10, 4, 2),
            gate_result_json=PASSED_GATE,
        )
    assert warehouse_fingerprints(settings.warehouse) == before
    assert reporting_db_fingerprints(settings.reporting_db) == snapshot_before
    assert [r["run_id"] for r in pipeline_runs(settings.reporting_db)] == ["night-1"]
