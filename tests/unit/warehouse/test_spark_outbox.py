"""The Spark outbox into the serving DuckDB: the build's schemas replaced in one step, with the marts'
descriptions, and never from another build's outbox (kam.warehouse.spark_outbox)."""

from __future__ import annotations

import duckdb
import pytest

from kam.dbt_docs import ModelDocs
from kam.warehouse.duckdb_comments import schema_comments
from kam.warehouse.spark_outbox import build_schemas, receive_outbox

DOCS = {"key_accounts": ModelDocs("key_accounts", "The key accounts.", {"customer_id": "The CRM account."})}


def _spark_writes(con, outbox, invocation_id: str, tables: dict[str, str]) -> None:
    """What dbt's on-run-end writes: one folder of part files per table, then `_invocation`."""
    for relation, query in tables.items():
        folder = outbox / relation.replace(".", "/")
        folder.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy ({query}) to '{folder}/part-00000.snappy.parquet' (format parquet)")
        (folder / "_SUCCESS").touch()
    (outbox / "_invocation").mkdir(parents=True, exist_ok=True)
    listed = ",".join(sorted(tables))
    con.execute(
        f"copy (select '{invocation_id}' as invocation_id, '{listed}' as tables) "
        f"to '{outbox}/_invocation/part-0.parquet' (format parquet)"
    )


@pytest.fixture
def serving(tmp_path):
    con = duckdb.connect(str(tmp_path / "landing.duckdb"))
    con.execute("create schema raw; create table raw.orders as select 'SO1' as order_id")
    con.execute("create schema marts; create table marts.old_table as select 1 as x")
    yield con
    con.close()


def test_the_build_replaces_its_schemas_with_comments_and_leaves_raw_alone(serving, tmp_path):
    outbox = tmp_path / "outbox"
    _spark_writes(
        serving,
        outbox,
        "inv-1",
        {
            "marts.key_accounts": "select 'C1' as customer_id, cast(12.5 as decimal(18,2)) as revenue_12m",
            "staging.stg_erp__orders": "select 'SO1' as order_id",
            "test_failures.gate_class_a_share": "select 0.5 as observed where false",
        },
    )
    received = receive_outbox(serving, outbox, "marts", "inv-1", DOCS)
    assert received == {"marts.key_accounts": 1, "staging.stg_erp__orders": 1, "test_failures.gate_class_a_share": 0}
    tables = serving.execute("select schema_name, table_name from duckdb_tables() order by all").fetchall()
    assert tables == [
        ("marts", "key_accounts"),
        ("meta", "spark_received"),
        ("raw", "orders"),
        ("staging", "stg_erp__orders"),
        ("test_failures", "gate_class_a_share"),
    ]
    assert serving.execute(
        "select data_type from information_schema.columns where column_name = 'revenue_12m'"
    ).fetchone() == ("DECIMAL(18,2)",)
    comments = schema_comments(serving, "landing", "marts")["key_accounts"]
    assert comments.table == "The key accounts." and comments.columns == {
        "customer_id": "The CRM account.",
        "revenue_12m": None,
    }


def test_a_table_an_earlier_build_left_in_the_outbox_is_not_taken(serving, tmp_path):
    outbox = tmp_path / "outbox"
    _spark_writes(serving, outbox, "night-1", {"marts.key_accounts": "select 'C1' as customer_id"})
    _spark_writes(serving, outbox, "night-2", {"marts.customer_segments": "select 'C1' as customer_id"})
    assert receive_outbox(serving, outbox, "marts", "night-2", DOCS) == {"marts.customer_segments": 1}


def test_an_outbox_of_another_build_is_never_taken(serving, tmp_path):
    outbox = tmp_path / "outbox"
    _spark_writes(serving, outbox, "last-night", {"marts.key_accounts": "select 'C1' as customer_id"})
    assert receive_outbox(serving, outbox, "marts", "tonight", DOCS) == {}
    assert serving.execute("select count(*) from duckdb_tables() where schema_name = 'marts'").fetchone() == (0,)
    assert receive_outbox(serving, outbox, "marts", None, DOCS) == {}  # dbt left no run_results.json


def test_a_backfill_receives_its_suffixed_schemas_only():
    assert build_schemas("marts_backfill") == ("marts_backfill", "staging_backfill", "test_failures_backfill")
    assert build_schemas("marts") == ("marts", "staging", "test_failures")


def test_a_build_is_received_once_so_a_retried_gate_keeps_what_it_judged(serving, tmp_path):
    outbox = tmp_path / "outbox"
    _spark_writes(serving, outbox, "inv-1", {"marts.key_accounts": "select 'C1' as customer_id"})
    assert receive_outbox(serving, outbox, "marts", "inv-1", DOCS) == {"marts.key_accounts": 1}
    serving.execute("insert into marts.key_accounts values ('C2')")  # e.g. what a second copy would undo
    assert receive_outbox(serving, outbox, "marts", "inv-1", DOCS) == {}
    assert serving.execute("select count(*) from marts.key_accounts").fetchone() == (2,)
    _spark_writes(serving, outbox, "inv-2", {"marts.key_accounts": "select 'C3' as customer_id"})
    assert receive_outbox(serving, outbox, "marts", "inv-2", DOCS) == {"marts.key_accounts": 1}
