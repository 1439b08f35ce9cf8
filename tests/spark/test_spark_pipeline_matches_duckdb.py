"""The worked example (as-of 2026-10-15) through the whole pipeline on DuckDB and on Spark
(KAM_WAREHOUSE=spark, a local session): every published table, its column types and comments, the
run row, the gate's decisions and the export files (byte for byte) must be the same
(docs/decisions/0028). A sequence of nights on both: tests/reliability/test_spark_nights.py."""

from __future__ import annotations

import json
import math

import pytest

from kam.publish.exposures import reporting_tables
from tests.spark.engine_nights import nights_on_both_engines
from tests.support.pipeline_run import differences, export_differences, published_tables, reporting_catalog

pytestmark = [pytest.mark.spark, pytest.mark.slow]

AS_OF = "2026-10-15"
RUN_COLUMNS = ("as_of_date", "run_id", "status", "failed_checks", "warnings", "row_counts", "source_watermarks")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return nights_on_both_engines(tmp_path_factory, (AS_OF,))


def test_spark_publishes_the_same_rows_as_duckdb(runs):
    duck, spark = runs
    duck_tables, spark_tables = published_tables(duck.settings), published_tables(spark.settings)
    assert set(duck_tables) == set(spark_tables)
    assert sorted(t for t, (_, rows) in duck_tables.items() if not rows) == ["segment_changes"]  # a first night
    problems = []
    for table in sorted(duck_tables):
        if table != "pipeline_runs":
            problems += differences(table, duck_tables[table], spark_tables[table], "Spark")
    assert problems == []


def test_the_published_columns_have_the_same_types_and_comments(runs):
    duck, spark = runs
    on_duck = reporting_catalog(duck.settings.reporting_db)
    assert on_duck[("customer_segments", "revenue_12m")][0] == "DECIMAL(18,2)"
    assert on_duck[("kam_workload", None)][1]  # the dbt description reached BI
    assert reporting_catalog(spark.settings.reporting_db) == on_duck


def test_both_engines_record_the_same_run(runs):
    records = []
    for run in runs:
        columns, rows = published_tables(run.settings)["pipeline_runs"]
        (row,) = rows
        records.append({c: row[columns.index(c)] for c in RUN_COLUMNS})
    assert records[0] == records[1]
    assert records[0]["status"] == "published" and str(records[0]["as_of_date"]) == AS_OF


def test_both_gates_decide_and_word_alike(runs):
    duck, spark = runs

    def decisions(gate):
        return {c["name"]: (c["passed"], c["blocking"]) for c in gate["checks"]}

    assert decisions(spark.gate) == decisions(duck.gate)
    observed = [{c["name"]: c["observed"] for c in run.gate["checks"]} for run in runs]
    for name, value in observed[0].items():
        other = observed[1][name]
        if isinstance(value, float) and isinstance(other, float):  # a sum of doubles, in another order
            assert math.isclose(value, other, rel_tol=1e-12), name
        else:
            assert value == other, name
    assert {w["name"]: w["message"] for w in spark.gate["warnings"]} == {
        w["name"]: w["message"] for w in duck.gate["warnings"]
    }


def test_the_export_files_are_byte_identical(runs):
    duck, spark = runs
    assert export_differences(duck.export_dir, spark.export_dir, byte_identical=True) == []


def test_dbt_builds_every_model_and_test_on_spark_as_on_duckdb(runs):
    results = []
    for run in runs:
        run_results = json.loads((run.settings.home / "dbt" / "target" / "run_results.json").read_text())
        results.append({r["unique_id"]: r["status"] for r in run_results["results"]})
    assert results[1] == results[0]
    assert sum(uid.startswith("model.") for uid in results[1]) >= 30


def test_spark_held_the_build_and_the_serving_duckdb_the_rest(runs):
    _, spark = runs
    spark_dir = spark.settings.home / "spark"
    assert (spark_dir / "metastore").is_dir() and (spark_dir / "tables").is_dir()
    assert sorted(p.name for p in (spark_dir / "outbox" / "marts").iterdir()) == sorted(reporting_tables())
    assert not (spark.settings.home / "warehouse.duckdb").exists()  # no DuckDB file named after the warehouse
    assert spark.settings.landing.exists()
