"""Backfill publication on PostgreSQL: one transaction replaces D's history rows and writes D's run row.

Runs against a throwaway PostgreSQL cluster (tests/postgres/pg_cluster.py); skipped
without PostgreSQL server binaries.
"""

from __future__ import annotations

from datetime import date

import psycopg2
import pytest

from kam.publish.run_record import PUBLISHED, run_record
from kam.warehouse import warehouse_of

pytestmark = pytest.mark.postgres
TABLES = ("customer_segments", "customer_segments_history")


def _candidates(con, schema: str, day: int, customers: int, history_days: tuple[int, ...]) -> None:
    """customer_segments of 2026-10-<day> (`customers` rows, amount = day) and a history of those days."""
    with con, con.cursor() as cur:
        cur.execute(f"create schema if not exists {schema}")
        cur.execute(f"drop table if exists {schema}.customer_segments")
        cur.execute(f"drop table if exists {schema}.customer_segments_history")
        cur.execute(
            f"create table {schema}.customer_segments as select 'C' || i as customer_id, "
            f"date '2026-10-{day:02d}' as as_of_date, cast({day} as decimal(18,2)) as amount "
            f"from generate_series(1, {customers}) as g(i)"
        )
        cur.execute(
            f"create table {schema}.customer_segments_history as select * from {schema}.customer_segments where false"
        )
        for d in history_days:
            cur.execute(
                f"insert into {schema}.customer_segments_history select 'C' || i, date '2026-10-{d:02d}', "
                f"cast({d} as decimal(18,2)) from generate_series(1, 3) as g(i)"
            )
        cur.execute(f"insert into {schema}.customer_segments_history select * from {schema}.customer_segments")


def _record(run_id: str, day: int):
    return run_record(
        run_id=run_id,
        as_of=f"2026-10-{day:02d}",
        started_at="2026-10-20T01:00:00Z",
        status=PUBLISHED,
        gate_result={"passed": True, "failed_checks": [], "warnings": []},
        row_counts={},
        source_watermarks={},
    )


def _rows(con, sql: str) -> list[tuple]:
    with con.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
    con.rollback()
    return rows


def test_a_backfill_on_postgres_replaces_only_the_history_of_d(pg_database):
    con = psycopg2.connect(pg_database)
    warehouse = warehouse_of(con)
    try:
        _candidates(con, "marts", 5, 4, history_days=(3,))
        warehouse.publish(TABLES, _record("night-5", 5))
        assert warehouse.latest_published_as_of() == date(2026, 10, 5)

        _candidates(con, "marts_backfill", 4, 6, history_days=(3, 5))
        written = warehouse.publish_backfill(_record("backfill-4", 4), "marts_backfill")

        assert written == 6
        assert _rows(
            con,
            "select as_of_date, count(*), min(amount) from reporting.customer_segments_history "
            "group by as_of_date order by as_of_date",
        ) == [(date(2026, 10, 3), 3, 3), (date(2026, 10, 4), 6, 4), (date(2026, 10, 5), 4, 5)]
        assert _rows(con, "select distinct as_of_date, count(*) over () from reporting.customer_segments") == [
            (date(2026, 10, 5), 4)
        ]
        assert _rows(con, "select run_id, as_of_date, status from reporting.pipeline_runs order by finished_at") == [
            ("night-5", date(2026, 10, 5), PUBLISHED),
            ("backfill-4", date(2026, 10, 4), PUBLISHED),
        ]
        assert warehouse.latest_published_as_of() == date(2026, 10, 5)

        # a rerun of the backfill replaces D's rows again (same run row, no duplicates)
        _candidates(con, "marts_backfill", 4, 2, history_days=())
        assert warehouse.publish_backfill(_record("backfill-4", 4), "marts_backfill") == 2
        assert _rows(
            con,
            "select as_of_date, count(*) from reporting.customer_segments_history "
            "group by as_of_date order by as_of_date",
        ) == [(date(2026, 10, 3), 3), (date(2026, 10, 4), 2), (date(2026, 10, 5), 4)]
        assert _rows(con, "select count(*) from reporting.pipeline_runs where run_id = 'backfill-4'") == [(1,)]
    finally:
        con.close()
