"""The whole suite: the heaviest test files first, so `make test`'s xdist workers (a file whole on one
worker, docs/decisions/0027) start the longest runs at once instead of finishing on one of them."""

from __future__ import annotations

# Longest first (setup + calls, `make test` durations); every other file keeps its place after them.
HEAVIEST_FILES = (
    "tests/spark/test_spark_pipeline_matches_duckdb.py",
    "tests/reliability/test_nights.py",
    "tests/bench/test_bench_smoke.py",
    "tests/postgres/test_pg_pipeline_matches_duckdb.py",
    "tests/bench/test_incremental_equals_full_refresh.py",
    "tests/e2e/test_kam_nightly.py",
    "tests/browser/test_airflow_ui.py",
)


def pytest_collection_modifyitems(session, config, items):
    rank = {path: i for i, path in enumerate(HEAVIEST_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
