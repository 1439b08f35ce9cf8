"""The worked example (as-of 2026-10-15) through the whole pipeline on DuckDB and on PostgreSQL:
every published table row for row, the gate's decisions, the export files and the comments BI reads must
agree; each engine builds the docs site."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import psycopg2
import pytest

from kam.pg.roles import apply_bi_reader
from kam.publish.exposures import reporting_tables
from tests.integration.dbt_docs_reading import (
    doc_block,
    documented_columns,
    inline_artifact,
    model_description,
    remote_references,
)
from tests.support.pipeline_run import (
    differences,
    export_differences,
    published_tables,
    reporting_catalog,
    run_pipeline,
    settings_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

EXAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "small"
AS_OF = "2026-10-15"
EXAMPLE_WARNINGS = {  # the example's warnings, word for word (tests/fixtures/published_baseline/example.json)
    "orders_unknown_customer": "80 orders of 3 customers without a CRM account (e.g. 000880, C88001, C88017)",
    "orders_without_rate": "12 orders without an exchange rate to EUR (GBP 12): they add zero revenue",
    "order_lines_without_order": (
        "8 order lines of 7 orders that are not in raw.orders as of 2026-10-15 (e.g. SO099999 line 1, "
        "SO101931 line 1, SO101931 line 2, SO101932 line 1, SO101933 line 1, SO101934 line 1, "
        "SO101935 line 1, SO101936 line 1): kept in the model and reported"
    ),
    "margin_coverage_low": (
        "7 customers have margin_coverage below 0.9 (overall coverage 97.8%): their gross margin misses unknown costs"
    ),
}
RUN_COLUMNS = (
    "as_of_date",
    "run_id",
    "started_at",
    "status",
    "failed_checks",
    "warnings",
    "row_counts",
    "source_watermarks",
)


@pytest.fixture(scope="module")
def runs(pg_cluster, tmp_path_factory):
    if not EXAMPLE.exists():
        pytest.skip(f"worked example not found at {EXAMPLE}")
    duck_home = tmp_path_factory.mktemp("duckdb_night")
    pg_home = tmp_path_factory.mktemp("postgres_night")
    pg_url = pg_cluster.create_database("kam_pipeline")
    duck = run_pipeline(settings_for(duck_home, EXAMPLE, str(duck_home / "warehouse.duckdb")), AS_OF)
    pg = run_pipeline(settings_for(pg_home, EXAMPLE, pg_url), AS_OF)
    return duck, pg


def test_both_engines_publish_the_same_rows(runs):
    duck, pg = runs
    duck_tables, pg_tables = published_tables(duck.settings), published_tables(pg.settings)
    assert set(duck_tables) == set(pg_tables)
    empty = sorted(t for t, (_, rows) in duck_tables.items() if not rows)
    assert empty == ["segment_changes"]  # a first night has nothing to compare with
    problems = []
    for table in sorted(duck_tables):
        if table != "pipeline_runs":
            problems += differences(table, duck_tables[table], pg_tables[table], "PostgreSQL")
    assert problems == []


def test_amounts_are_exact_decimals_with_cents_on_both(runs):
    duck, pg = runs
    for run in (duck, pg):
        columns, rows = published_tables(run.settings)["customer_segments"]
        revenue = [r[columns.index("revenue_12m")] for r in rows]
        assert all(isinstance(v, Decimal) and v.as_tuple().exponent == -2 for v in revenue if v is not None)
        assert all(isinstance(r[columns.index("as_of_date")], date) for r in rows)


def test_both_engines_record_the_same_run(runs):
    records = []
    for run in runs:
        columns, rows = published_tables(run.settings)["pipeline_runs"]
        (row,) = rows
        records.append({c: row[columns.index(c)] for c in RUN_COLUMNS})
        assert isinstance(row[columns.index("finished_at")], datetime)
    assert records[0] == records[1]
    assert records[0]["status"] == "published"
    assert json.loads(records[0]["row_counts"])["customer_segments"] > 0


def test_both_gates_decide_the_same(runs):
    duck, pg = runs

    def decisions(gate):
        return {c["name"]: (c["passed"], c["blocking"]) for c in gate["checks"]}

    assert decisions(duck.gate) == decisions(pg.gate)
    assert duck.gate["passed"] and pg.gate["passed"]
    observed = [{c["name"]: c["observed"] for c in run.gate["checks"]} for run in runs]
    for name, value in observed[0].items():
        other = observed[1][name]
        if isinstance(value, float) and isinstance(other, float):
            assert math.isclose(value, other, rel_tol=1e-9), name
        else:
            assert value == other, name


def test_both_gates_word_the_warnings_alike(runs):
    messages = [{w["name"]: w["message"] for w in run.gate["warnings"]} for run in runs]
    assert messages[0] == messages[1] == EXAMPLE_WARNINGS


def test_the_export_files_have_the_same_content(runs):
    duck, pg = runs
    assert export_differences(duck.export_dir, pg.export_dir, byte_identical=False) == []
    manifests = [json.loads((run.export_dir / "manifest.json").read_text()) for run in runs]
    assert manifests[0]["as_of_date"] == manifests[1]["as_of_date"] == AS_OF


def test_postgres_writes_no_reporting_db_file(runs):
    _, pg = runs
    assert not Path(pg.settings.reporting_db).exists()
    assert pg.settings.landing.exists()  # extraction landed locally, then synced


def test_dbt_builds_every_model_and_test_on_postgres_as_on_duckdb(runs):
    results = []
    for run in runs:
        run_results = json.loads((run.settings.home / "dbt" / "target" / "run_results.json").read_text())
        results.append({r["unique_id"]: r["status"] for r in run_results["results"]})
    duck, pg = results
    assert pg == duck
    assert set(pg.values()) <= {
        "success",
        "pass",
        "warn",
        "no-op",
    }  # no-op: the exposures; warn: the gate warnings
    assert sum(uid.startswith("model.") for uid in pg) >= 30
    assert sum(uid.startswith("unit_test.") for uid in pg) > 0


def test_the_run_summary_reads_the_same_published_state_on_both(runs):
    from datetime import date

    from kam.cli.summary import read_summary

    duck, pg = runs
    as_of = date.fromisoformat(AS_OF)
    on_duck = read_summary(duck.settings, as_of)
    on_pg = read_summary(pg.settings, as_of)
    assert on_pg.status == on_duck.status == "published"
    assert on_pg.customers == on_duck.customers == 82
    assert on_pg.key_accounts == on_duck.key_accounts
    assert [(c, n) for c, n, _ in on_pg.classes] == [(c, n) for c, n, _ in on_duck.classes]
    assert on_pg.lapse_counts == on_duck.lapse_counts


# --- the dbt descriptions as comments BI reads, the docs site of each engine (docs/decisions/0025) ---

BI_PASSWORD = "bi-test-only"


def _as_user(url: str, user: str, password: str) -> str:
    parts = urlparse(url)
    return f"postgresql://{user}:{password}@{parts.hostname}:{parts.port}{parts.path}"


def _pg_comments(url: str) -> dict[tuple[str, str | None], str | None]:
    """(table, column or None for the table) -> comment of every reporting table, read by `url`'s role."""
    con = psycopg2.connect(url)
    try:
        with con.cursor() as cur:
            cur.execute(
                "select c.relname, a.attname, col_description(c.oid, a.attnum) from pg_class c "
                "join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid "
                "where n.nspname = 'reporting' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped "
                "union all select c.relname, null, obj_description(c.oid, 'pg_class') from pg_class c "
                "join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'reporting' and c.relkind = 'r'"
            )
            return {(table, column): comment for table, column, comment in cur.fetchall()}
    finally:
        con.close()


def test_bi_reader_sees_the_dbt_descriptions_as_comments_as_the_duckdb_reporting_db_holds_them(runs, pg_cluster):
    duck, pg = runs
    admin = _as_user(pg.settings.warehouse, pg_cluster.superuser, pg_cluster.password)
    apply_bi_reader(admin, BI_PASSWORD, urlparse(pg.settings.warehouse).username, use_psql=False)

    on_pg = _pg_comments(_as_user(pg.settings.warehouse, "bi_reader", BI_PASSWORD))

    assert {key: on_pg[key] for key in documented_columns()} == documented_columns()
    assert on_pg[("kam_workload", None)] == model_description("marts", "kam_workload")
    assert on_pg == {key: comment for key, (_, comment) in reporting_catalog(duck.settings.reporting_db).items()}


def test_each_engine_builds_the_docs_site_from_its_own_catalog(runs):
    for run in runs:
        html = (run.settings.home / "docs" / "index.html").read_text()
        assert remote_references(html) == []
        catalog = inline_artifact(html, "catalog")["nodes"]
        assert {f"model.kam_warehouse.{t}" for t in reporting_tables()} <= set(catalog)
        columns = catalog["model.kam_warehouse.kam_workload"]["columns"]
        assert columns["is_overloaded"]["comment"] == doc_block("is_overloaded")
