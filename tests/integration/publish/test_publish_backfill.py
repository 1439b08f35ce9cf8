"""Publishing a backfill: only D's history rows and D's pipeline_runs row change; BI stays on the latest date."""

from __future__ import annotations

import logging
from datetime import date

import duckdb
import pytest

from kam.publish import publish_run
from kam.warehouse.reporting_db import open_reporting_db
from tests.integration.publish.fake_candidates import (
    PASSED_GATE,
    SEGMENT_COLUMNS,
    as_of_of,
    build_candidates,
    customers_of,
    expected_counts,
)
from tests.integration.publish.reporting_reads import (
    pipeline_runs,
    reporting_db_fingerprints,
    table_fingerprints,
    warehouse_fingerprints,
)

CURRENT_TABLES_EXCLUDED = ("pipeline_runs", "customer_segments_history")


def _publish_backfill(settings, night: int, extra: int = 5, mode: str = "backfill", run_id: str | None = None):
    d = build_candidates(settings.warehouse, night, extra, schema="marts_backfill")
    return publish_run(
        settings,
        run_id=run_id or f"backfill-{night}",
        as_of=d,
        started_at=f"{d.isoformat()}T23:00:00Z",
        gate_result_json=PASSED_GATE,
        mode=mode,
        candidates_schema="marts_backfill",
    )


def _history_counts(con) -> dict[date, int]:
    return dict(
        con.execute(
            "select as_of_date, count(*) from customer_segments_history group by as_of_date order by as_of_date"
        ).fetchall()
    )


def _history_rows(con, where: str, schema: str | None = None) -> list[tuple]:
    table = f"{schema}.customer_segments_history" if schema else "customer_segments_history"
    return con.execute(f"select {', '.join(SEGMENT_COLUMNS)} from {table} where {where} order by all").fetchall()


def _current_fingerprints(settings) -> tuple[dict, dict]:
    con = open_reporting_db(settings.reporting_db)
    try:
        bi = table_fingerprints(con, exclude=CURRENT_TABLES_EXCLUDED)
    finally:
        con.close()
    con = duckdb.connect(settings.warehouse, read_only=True)
    try:
        warehouse = table_fingerprints(con, "reporting", exclude=CURRENT_TABLES_EXCLUDED)
    finally:
        con.close()
    return bi, warehouse


def test_a_backfill_replaces_only_the_history_rows_of_d_and_writes_its_run(settings, publish_night):
    for night in (1, 2, 3):
        publish_night(night)
    current_before = _current_fingerprints(settings)
    con = open_reporting_db(settings.reporting_db)
    try:
        others_before = _history_rows(con, "as_of_date <> date '2026-10-03'")
    finally:
        con.close()

    result = _publish_backfill(settings, 2)

    assert (result.status, result.mode, result.tables) == ("published", "backfill", ("customer_segments_history",))
    assert result.as_of_date == as_of_of(2) == date(2026, 10, 3)
    # every current table, in BI and in the warehouse, stays on night 3
    assert _current_fingerprints(settings) == current_before
    con = open_reporting_db(settings.reporting_db)
    try:
        current_as_of = con.execute("select distinct as_of_date from customer_segments").fetchall()
        counts = _history_counts(con)
        others_after = _history_rows(con, "as_of_date <> date '2026-10-03'")
        of_d = _history_rows(con, "as_of_date = date '2026-10-03'")
    finally:
        con.close()
    wh = duckdb.connect(settings.warehouse, read_only=True)
    try:
        candidate_of_d = _history_rows(wh, "as_of_date = date '2026-10-03'", schema="marts_backfill")
    finally:
        wh.close()
    assert current_as_of == [(as_of_of(3),)]
    assert counts == {as_of_of(1): customers_of(1), as_of_of(2): customers_of(2, 5), as_of_of(3): customers_of(3)}
    assert others_after == others_before
    assert of_d == candidate_of_d and len(of_d) == 15
    assert reporting_db_fingerprints(settings.reporting_db) == warehouse_fingerprints(settings.warehouse)

    runs = pipeline_runs(settings.reporting_db)
    assert [(r["run_id"], r["as_of_date"], r["status"]) for r in runs] == [
        ("night-1", as_of_of(1), "published"),
        ("night-2", as_of_of(2), "published"),
        ("night-3", as_of_of(3), "published"),
        ("backfill-2", as_of_of(2), "published"),
    ]
    assert runs[-1]["row_counts"] == {**expected_counts(2, 5), "customer_segments_history": 7 + 15 + 13}


def test_a_nightly_run_of_an_earlier_date_is_published_as_a_backfill(settings, publish_night, caplog):
    publish_night(1)
    publish_night(3)
    before = _current_fingerprints(settings)

    with caplog.at_level(logging.WARNING, logger="kam.publish.publisher"):
        d = build_candidates(settings.warehouse, 2, 1)  # a nightly build (schema marts) of an earlier date
        result = publish_run(
            settings,
            run_id="late-night-2",
            as_of=d,
            started_at="2026-10-05T01:00:00Z",
            gate_result_json=PASSED_GATE,
            mode="nightly",
        )

    assert result.mode == "backfill"
    assert _current_fingerprints(settings) == before
    assert (
        "run late-night-2: as-of 2026-10-03 is before the latest published as-of 2026-10-04: published as "
        "a backfill (only its customer_segments_history rows and pipeline_runs row; BI stays on the "
        "latest date)"
    ) in caplog.messages
    con = open_reporting_db(settings.reporting_db)
    try:
        assert _history_counts(con) == {as_of_of(1): 7, as_of_of(2): customers_of(2, 1), as_of_of(3): 13}
    finally:
        con.close()


def test_a_backfill_build_of_the_newest_date_is_published_like_a_night(settings, publish_night):
    publish_night(1)

    result = _publish_backfill(settings, 2, extra=2)

    assert (result.mode, len(result.tables)) == ("nightly", 9)
    con = open_reporting_db(settings.reporting_db)
    try:
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in expected_counts(2, 2)}
        history = _history_counts(con)
    finally:
        con.close()
    assert counts == expected_counts(2, 2)
    assert history == {as_of_of(1): 7, as_of_of(2): customers_of(2, 2)}


def test_publish_refuses_an_unknown_mode_or_candidate_schema(settings, publish_night):
    publish_night(1)
    with pytest.raises(ValueError, match="publish: mode 'weekly' is not one of nightly, backfill"):
        publish_run(
            settings,
            run_id="x",
            as_of="2026-10-02",
            started_at="2026-10-03T00:00:00Z",
            gate_result_json=PASSED_GATE,
            mode="weekly",
        )
    with pytest.raises(ValueError, match="publish: candidates_schema 'reporting' is not 'marts' or 'marts_<suffix>'"):
        publish_run(
            settings,
            run_id="x",
            as_of="2026-10-02",
            started_at="2026-10-03T00:00:00Z",
            gate_result_json=PASSED_GATE,
            candidates_schema="reporting",
        )
    assert [r["run_id"] for r in pipeline_runs(settings.reporting_db)] == ["night-1"]
