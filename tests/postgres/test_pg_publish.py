"""Publication on PostgreSQL: one transaction, readers see one whole night, never wait, never fail."""

from __future__ import annotations

import threading
from dataclasses import replace

import psycopg2
import pytest

from kam.config import load_settings
from kam.publish import record_blocked
from kam.publish.run_record import PUBLISHED, run_record
from kam.warehouse import warehouse_of
from kam.warehouse.postgres_warehouse import PostgresWarehouse

pytestmark = pytest.mark.postgres

TABLES = ("alpha", "beta", "gamma")
NIGHTS = 6


def rows_of(table: str, night: int) -> int:
    """Rows of a table on a night: every table and night differ, so counts tell nights apart."""
    return {"alpha": night, "beta": 2 * night, "gamma": night + 1}[table]


def build_candidates(con, night: int, extra_column: bool = False) -> None:
    with con, con.cursor() as cur:
        cur.execute("create schema if not exists marts")
        for table in TABLES:
            cur.execute(f"drop table if exists marts.{table}")
            extra = ", 'x' as note" if extra_column else ""
            cur.execute(
                f"create table marts.{table} as select {night} as night, "
                f"cast(i * 1.005 as decimal(18,2)) as amount{extra} "
                f"from generate_series(1, {rows_of(table, night)}) as g(i)"
            )


def record(night: int):
    return run_record(
        run_id=f"night-{night}",
        as_of=f"2026-10-{night:02d}",
        started_at="2026-10-20T01:00:00Z",
        status=PUBLISHED,
        gate_result={"passed": True, "failed_checks": [], "warnings": []},
        row_counts={},
        source_watermarks={},
    )


def publish(con, night: int, extra_column: bool = False) -> None:
    build_candidates(con, night, extra_column)
    warehouse_of(con).publish(TABLES, record(night))


def read_night(reader) -> int:
    """Read every reporting table and the latest run in ONE transaction; the night they all show."""
    seen = set()
    with reader.cursor() as cur:
        for table in TABLES:
            cur.execute(f"select night, count(*) from reporting.{table} group by night")
            rows = cur.fetchall()
            assert len(rows) == 1, f"{table} mixes nights: {rows}"
            night, count = rows[0]
            assert count == rows_of(table, night), f"{table}: {count} rows of night {night}"
            seen.add(night)
        cur.execute(
            "select run_id from reporting.pipeline_runs where status = 'published' order by finished_at desc limit 1"
        )
        seen.add(int(cur.fetchone()[0].split("-")[1]))
    reader.rollback()
    assert len(seen) == 1, f"one transaction saw several nights: {sorted(seen)}"
    return seen.pop()


def reader_connection(url: str):
    reader = psycopg2.connect(url, options="-c statement_timeout=10000")  # waiting would be an error
    reader.set_session(isolation_level="REPEATABLE READ", readonly=True)
    return reader


@pytest.fixture
def writer(pg_database):
    con = psycopg2.connect(pg_database)
    yield con
    con.close()


def test_a_reader_transaction_keeps_its_night_across_a_commit(pg_database, writer):
    publish(writer, 1)
    reader = reader_connection(pg_database)
    with reader.cursor() as cur:
        cur.execute("select count(*) from reporting.alpha")  # the snapshot is taken here
        assert cur.fetchone() == (1,)
    publish(writer, 2)
    assert read_night(reader) == 1  # same transaction: still night 1 in every table
    assert read_night(reader) == 2  # a new transaction: night 2 in every table
    reader.close()


def test_readers_during_the_publish_transaction_see_the_old_night_without_waiting(pg_database, writer, monkeypatch):
    publish(writer, 1)
    seen_inside = []
    original = PostgresWarehouse.write_run

    def write_run_then_read(warehouse, rec):
        original(warehouse, rec)  # every table replaced, run row written, not committed yet
        reader = reader_connection(pg_database)
        seen_inside.append(read_night(reader))
        reader.close()

    monkeypatch.setattr(PostgresWarehouse, "write_run", write_run_then_read)
    publish(writer, 2)
    assert seen_inside == [1]
    reader = reader_connection(pg_database)
    assert read_night(reader) == 2
    reader.close()


def test_a_reader_thread_sees_whole_nights_during_many_publishes(pg_database, writer):
    publish(writer, 1)
    done = threading.Event()
    seen, errors = [], []

    def read_until_done():
        reader = reader_connection(pg_database)
        try:
            while True:
                finished = done.is_set()
                seen.append(read_night(reader))
                if finished:
                    break
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            reader.close()

    thread = threading.Thread(target=read_until_done)
    thread.start()
    try:
        for night in range(2, NIGHTS + 1):
            publish(writer, night)
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert seen[-1] == NIGHTS  # the read after the last publish sees the last night
    assert seen == sorted(seen)  # nights never go backwards


def test_failed_publish_leaves_the_published_night(pg_database, writer):
    publish(writer, 1)
    build_candidates(writer, 2)
    with writer, writer.cursor() as cur:
        cur.execute("drop table marts.gamma")
    with pytest.raises(psycopg2.Error):
        warehouse_of(writer).publish(TABLES, record(2))
    assert read_night(reader_connection(pg_database)) == 1


def test_a_changed_candidate_shape_recreates_the_reporting_table(pg_database, writer):
    publish(writer, 1)
    publish(writer, 2, extra_column=True)
    with writer.cursor() as cur:
        cur.execute(
            "select column_name from information_schema.columns where table_schema = 'reporting' "
            "and table_name = 'alpha' order by ordinal_position"
        )
        assert [r[0] for r in cur.fetchall()] == ["night", "amount", "note"]
        cur.execute("select amount from reporting.alpha order by amount")
        assert [str(r[0]) for r in cur.fetchall()] == ["1.01", "2.01"]  # 1.005, 2.010 rounded by decimal(18,2)
    writer.rollback()


def test_record_blocked_on_postgres_writes_only_the_run_row(tmp_path, pg_database, writer):
    publish(writer, 1)
    settings = replace(
        load_settings(), home=tmp_path, warehouse=pg_database, reporting_db=str(tmp_path / "unused.duckdb")
    )
    result = record_blocked(
        settings,
        run_id="night-2",
        as_of="2026-10-02",
        started_at="2026-10-03T02:00:00Z",
        gate_result_json={"passed": False, "warnings": [], "failed_checks": [{"name": "freshness", "observed": 73.5}]},
    )
    assert result.reporting_db is None and not (tmp_path / "unused.duckdb").exists()
    with writer.cursor() as cur:
        cur.execute("select run_id, status, failed_checks from reporting.pipeline_runs order by run_id")
        assert cur.fetchall() == [
            ("night-1", "published", "[]"),
            ("night-2", "blocked", '[{"name": "freshness", "observed": 73.5}]'),
        ]
    writer.rollback()
    assert read_night(reader_connection(pg_database)) == 1  # every table still night 1
