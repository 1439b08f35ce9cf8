"""Nights of the worked example through the whole pipeline on DuckDB and on Spark (KAM_WAREHOUSE=spark),
for the Spark parity tests: the one night of `make test`, the night sequence of `make reliability`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.pipeline_run import PipelineRun, run_pipeline, settings_for

EXAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "small"
# The example is tiny: the JVM's quick compiler alone (no C2) takes a third off Spark's fixed cost
# per query; the results do not depend on it.
QUICK_JVM = {"KAM_SPARK_JAVA_OPTIONS": "-XX:TieredStopAtLevel=1"}


def nights_on_both_engines(tmp_path_factory, nights: tuple[str, ...]) -> tuple[PipelineRun, PipelineRun]:
    """The nights `nights` (as-of dates, in order) on a DuckDB home, then on a Spark home; the last
    night of each (dbt unit tests left out: they run on DuckDB and PostgreSQL)."""
    if not EXAMPLE.exists():
        pytest.skip(f"worked example not found at {EXAMPLE}")
    last = {}
    with pytest.MonkeyPatch.context() as env:
        for name, value in QUICK_JVM.items():
            env.setenv(name, value)
        for engine in ("duckdb", "spark"):
            home = tmp_path_factory.mktemp(f"{engine}_nights")
            warehouse = str(home / "warehouse.duckdb") if engine == "duckdb" else "spark"
            for as_of in nights:
                last[engine] = run_pipeline(settings_for(home, EXAMPLE, warehouse), as_of, unit_tests=False)
    return last["duckdb"], last["spark"]
