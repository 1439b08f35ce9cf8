"""The Spark inbox: raw tables, the night's raw_history runs and the published tables as Parquet, each written
only when it changed (kam.warehouse.spark_inbox)."""

from __future__ import annotations

import duckdb
import pytest

from kam.warehouse.spark_inbox import hand_over, inbox_tables, run_file_name


@pytest.fixture
def serving(tmp_path):
    con = duckdb.connect(str(tmp_path / "landing.duckdb"))
    con.execute("create schema raw; create schema raw_history; create schema meta")
    con.execute("create table raw.orders (order_id varchar, amount decimal(18,2), _run_id varchar, _load_seq bigint)")
    con.execute("create table raw_history.orders as select * from raw.orders")
    con.execute("create table raw.fx_rates (currency varchar, _run_id varchar, _load_seq bigint)")
    con.execute("create table raw_history.fx_rates as select * from raw.fx_rates")
    con.execute("create table meta.extract_runs (run_id varchar, object varchar, rows_loaded bigint)")
    yield con
    con.close()


def _extract(con, run_id: str, rows: list[tuple[str, str]]) -> None:
    """One extraction run of `orders`: its rows (order_id, amount) upserted into raw and added to raw_history."""
    seq = con.execute("select coalesce(max(_load_seq), 0) from raw_history.orders").fetchone()[0]
    for offset, (order_id, amount) in enumerate(rows, start=1):
        con.execute("delete from raw.orders where order_id = ?", [order_id])
        values = [order_id, amount, run_id, seq + offset]
        con.execute("insert into raw.orders values (?, ?, ?, ?)", values)
        con.execute("insert into raw_history.orders values (?, ?, ?, ?)", values)
    con.execute("delete from meta.extract_runs where run_id = ? and object = 'orders'", [run_id])
    con.execute("insert into meta.extract_runs values (?, 'orders', ?)", [run_id, len(rows)])


def _rows(con, folder) -> list[tuple]:
    return con.execute(f"select order_id, amount from read_parquet('{folder}/*.parquet') order by all").fetchall()


def test_a_night_hands_over_raw_whole_and_only_its_own_history_run(serving, tmp_path):
    inbox = tmp_path / "inbox"
    _extract(serving, "night_1", [("SO1", "10.00"), ("SO2", "20.00")])
    assert hand_over(serving, inbox) == {
        "raw.orders": 2,
        "raw_history.orders": 2,
        "raw.fx_rates": 0,
        "raw_history.fx_rates": 0,
    }
    assert inbox_tables(inbox) == ["raw.fx_rates", "raw.orders", "raw_history.fx_rates", "raw_history.orders"]
    assert hand_over(serving, inbox) == {}  # nothing changed: nothing written

    _extract(serving, "night_2", [("SO2", "25.50"), ("SO3", "30.00")])
    assert hand_over(serving, inbox) == {"raw.orders": 3, "raw_history.orders": 2}
    assert _rows(serving, inbox / "raw" / "orders") == [("SO1", 10), ("SO2", 25.5), ("SO3", 30)]
    history = inbox / "raw_history" / "orders"
    assert sorted(p.name for p in history.glob("*.parquet")) == sorted(
        [run_file_name("night_1"), run_file_name("night_2")]
    )
    assert len(_rows(serving, history)) == 4
    assert not list(inbox.rglob(".*.tmp"))  # written hidden, then renamed


def test_a_retried_run_replaces_its_history_file(serving, tmp_path):
    inbox = tmp_path / "inbox"
    _extract(serving, "night_1", [("SO1", "10.00")])
    hand_over(serving, inbox)
    serving.execute("delete from raw_history.orders where _run_id = 'night_1'")
    _extract(serving, "night_1", [("SO1", "11.00"), ("SO9", "1.00")])
    assert hand_over(serving, inbox) == {"raw.orders": 2, "raw_history.orders": 2}
    assert _rows(serving, inbox / "raw_history" / "orders") == [("SO1", 11), ("SO9", 1)]


def test_the_published_tables_follow_each_publication(serving, tmp_path):
    inbox = tmp_path / "inbox"
    hand_over(serving, inbox)
    assert [t for t in inbox_tables(inbox) if t.startswith("reporting.")] == []  # nothing published yet
    serving.execute("create schema reporting")
    serving.execute("create table reporting.customer_segments_history as select 'C1' as customer_id")
    serving.execute(
        "create table reporting.pipeline_runs as select 'r1' as run_id, 'published' as status, "
        "timestamp '2026-10-16 03:00:00' as finished_at"
    )
    assert hand_over(serving, inbox) == {"reporting.customer_segments_history": 1, "reporting.pipeline_runs": 1}
    assert hand_over(serving, inbox) == {}
    serving.execute("insert into reporting.customer_segments_history values ('C2')")
    serving.execute("insert into reporting.pipeline_runs values ('r2', 'published', timestamp '2026-10-17 03:00:00')")
    assert hand_over(serving, inbox)["reporting.customer_segments_history"] == 2
