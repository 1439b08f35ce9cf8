"""A sequence of nights on Spark equals the same nights on DuckDB (under `make reliability`): the worked
example as of D-1, then D; the second night builds the incremental models by their key buckets and reads
the first night's published history back from Spark's inbox (docs/decisions/0028)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.spark.engine_nights import nights_on_both_engines
from tests.support.pipeline_run import differences, export_differences, published_tables

pytestmark = [pytest.mark.spark, pytest.mark.slow]

AS_OF = date(2026, 10, 15)
NIGHTS = ((AS_OF - timedelta(days=1)).isoformat(), AS_OF.isoformat())


@pytest.mark.reliability_full
def test_spark_nights_publish_what_duckdb_nights_publish(tmp_path_factory):
    duck, spark = nights_on_both_engines(tmp_path_factory, NIGHTS)
    duck_tables, spark_tables = published_tables(duck.settings), published_tables(spark.settings)
    assert all(rows for _, rows in duck_tables.values())  # segment changes and a two-night history
    problems = []
    for table in sorted(duck_tables):
        if table != "pipeline_runs":
            problems += differences(table, duck_tables[table], spark_tables[table], "Spark")
    assert problems == []
    assert export_differences(duck.export_dir, spark.export_dir, byte_identical=True) == []
