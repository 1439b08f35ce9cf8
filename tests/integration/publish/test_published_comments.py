"""The dbt descriptions reach BI as comments: dbt's `persist_docs` writes them on the marts, publication
carries them to the warehouse's `reporting` tables and into the reporting DB snapshot, a backfill and
the repair of a killed publication too."""

from __future__ import annotations

import duckdb

from kam.publish import publish_run, reconcile_publishing
from kam.publish.exposures import reporting_tables
from kam.publish.run_record import PUBLISHING, run_record
from kam.warehouse import open_warehouse
from kam.warehouse.reporting_db import open_reporting_db
from tests.integration.dbt_docs_reading import documented_columns, model_description
from tests.integration.publish.fake_candidates import PASSED_GATE, build_candidates


def _comments(con, schema: str) -> tuple[dict[str, str | None], dict[tuple[str, str], str | None]]:
    """(table -> comment, (table, column) -> comment) of `schema` in the connection's own database."""
    where = "database_name = current_database() and schema_name = ?"
    tables = dict(con.execute(f"select table_name, comment from duckdb_tables() where {where}", [schema]).fetchall())
    columns = con.execute(f"select table_name, column_name, comment from duckdb_columns() where {where}", [schema])
    return tables, {(table, column): comment for table, column, comment in columns.fetchall()}


def _warehouse_comments(settings, schema: str):
    con = duckdb.connect(settings.warehouse, read_only=True)
    try:
        return _comments(con, schema)
    finally:
        con.close()


def _bi_comments(settings):
    con = open_reporting_db(settings.reporting_db)
    try:
        return _comments(con, "reporting")
    finally:
        con.close()


def test_the_dbt_descriptions_are_comments_of_the_marts_the_reporting_tables_and_the_reporting_db(example_home):
    publish_run(
        example_home,
        run_id="example",
        as_of="2026-10-15",
        started_at="2026-10-16T02:00:00Z",
        gate_result_json=PASSED_GATE,
    )

    marts = _warehouse_comments(example_home, "marts")
    reporting = _warehouse_comments(example_home, "reporting")
    bi = _bi_comments(example_home)
    for tables, columns in (marts, reporting, bi):
        assert {key: columns[key] for key in documented_columns()} == documented_columns()
        assert tables["kam_workload"] == model_description("marts", "kam_workload")
        published = {key: text for key, text in columns.items() if key[0] in reporting_tables()}
        assert published and all(published.values()), [key for key, text in published.items() if not text]
    assert reporting == bi
    assert {t: c for t, c in reporting[0].items() if t != "pipeline_runs"} == {
        t: marts[0][t] for t in reporting_tables()
    }
    assert {k: c for k, c in reporting[1].items() if k[0] != "pipeline_runs"} == {
        k: c for k, c in marts[1].items() if k[0] in reporting_tables()
    }


def _comment_candidates(settings, schema: str, text: str) -> None:
    """The fake candidates of `schema` get comments naming `text` (as persist_docs would)."""
    quoted = text.replace("'", "''")
    con = duckdb.connect(settings.warehouse)
    try:
        for table in reporting_tables():
            con.execute(f"comment on table {schema}.{table} is '{table}: {quoted}'")
        con.execute(f"comment on column {schema}.customer_segments_history.customer_id is 'the customer, {quoted}'")
    finally:
        con.close()


def test_a_backfill_carries_the_comments_of_its_history_candidate(settings, publish_night):
    publish_night(2)
    d = build_candidates(settings.warehouse, 1, 5, schema="marts_backfill")
    _comment_candidates(settings, "marts_backfill", "as the backfill's build says")

    publish_run(
        settings,
        run_id="backfill-1",
        as_of=d,
        started_at=f"{d.isoformat()}T23:00:00Z",
        gate_result_json=PASSED_GATE,
        mode="backfill",
        candidates_schema="marts_backfill",
    )

    for tables, columns in (_warehouse_comments(settings, "reporting"), _bi_comments(settings)):
        assert tables["customer_segments_history"] == "customer_segments_history: as the backfill's build says"
        assert columns[("customer_segments_history", "customer_id")] == "the customer, as the backfill's build says"
        assert tables["key_accounts"] is None  # a backfill writes only the history table


def test_the_repair_of_a_killed_publication_restores_the_comments_bi_holds(settings):
    d = build_candidates(settings.warehouse, 1)
    _comment_candidates(settings, "marts", "night 1")
    publish_run(settings, run_id="night-1", as_of=d, started_at="2026-10-09T00:00:00Z", gate_result_json=PASSED_GATE)
    d = build_candidates(settings.warehouse, 2)
    _comment_candidates(settings, "marts", "night 2")
    record = run_record(
        run_id="night-2",
        as_of=d,
        started_at="2026-10-10T00:00:00Z",
        status=PUBLISHING,
        gate_result=PASSED_GATE,
        row_counts={},
        source_watermarks={},
    )
    with open_warehouse(settings) as warehouse:
        warehouse.publish(reporting_tables(), record)  # committed; killed before the reporting DB is renamed
    assert _warehouse_comments(settings, "reporting")[0]["key_accounts"] == "key_accounts: night 2"

    reconcile_publishing(settings)

    tables, columns = _warehouse_comments(settings, "reporting")
    assert (tables["key_accounts"], columns[("customer_segments_history", "customer_id")]) == (
        "key_accounts: night 1",
        "the customer, night 1",
    )
    assert (tables, columns) == _bi_comments(settings)
