"""Incremental and full-refresh dbt builds give identical candidate (published) tables.

On the worked example (../shared/examples/small): night 1 extracts and builds
as-of D-1 and publishes it (so models reading the published history have one);
then the warehouse is copied. Night 2 (as-of D) builds the original
incrementally and the copy with `dbt build --full-refresh`. Every table of schema
`marts`, which publish copies to `reporting`, must be equal row for row.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from bench.compare import compare_warehouses
from kam.config import load_settings

pytestmark = pytest.mark.slow

AS_OF = date(2026, 10, 15)


def _settings(home, example_dir, warehouse=None):
    return replace(
        load_settings(),
        home=home,
        orders_source=str(example_dir / "src" / "erp"),
        crm_source=str(example_dir / "src" / "crm"),
        warehouse=str(warehouse or home / "warehouse.duckdb"),
        reporting_db=str(home / "reporting.duckdb"),
        export_dir=home / "exports",
        report_dir=home / "reports",
    )


def _plan(settings, as_of):
    from kam import pipeline

    return pipeline.plan(settings, as_of)


def _build(settings, as_of, full_refresh=False):
    from kam import pipeline

    dbt = pipeline.build(settings, _plan(settings, as_of), full_refresh=full_refresh)  # unit tests: the engine tests
    if dbt["returncode"] != 0:
        pytest.fail(f"dbt build (full refresh: {full_refresh}) as-of {as_of} failed:\n{dbt['output'][-4000:]}")
    return dbt


def _gate_and_publish(settings, as_of, run_id, dbt):
    """Publish the night built by `dbt` (what `_build` returned), or record it as blocked."""
    from kam import pipeline

    plan = _plan(settings, as_of)
    verdict = pipeline.gate(settings, plan, run_id=run_id, dbt_failures=dbt["failures"], dbt_outcome=dbt["outcome"])
    with contextlib.suppress(pipeline.GateBlocked):
        pipeline.publish_or_block(settings, plan, verdict, run_id=run_id, started_at=datetime.now(UTC))


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    from kam import pipeline

    example_dir = pytest.importorskip("tests.integration.conftest").EXAMPLE
    if not example_dir.exists():
        pytest.skip(f"worked example not found at {example_dir}")
    home = tmp_path_factory.mktemp("incremental")
    incremental = _settings(home, example_dir)
    pipeline.extract(incremental, _plan(incremental, AS_OF - timedelta(days=1)), "all", run_id="night_1")
    night_1 = _build(incremental, AS_OF - timedelta(days=1))
    _gate_and_publish(incremental, AS_OF - timedelta(days=1), "night_1", night_1)

    refresh_home = tmp_path_factory.mktemp("full_refresh")
    shutil.copy2(incremental.warehouse, refresh_home / "warehouse.duckdb")
    full_refresh = _settings(refresh_home, example_dir)
    _build(incremental, AS_OF)
    _build(full_refresh, AS_OF, full_refresh=True)
    return incremental, full_refresh


def test_every_mart_is_identical(two_builds):
    incremental, full_refresh = two_builds
    result = compare_warehouses(incremental.warehouse, full_refresh.warehouse, schema="marts")
    unequal = {name: t for name, t in result["tables"].items() if not t["equal"]}
    assert unequal == {}
    assert result["tables"]["customer_segments"]["rows"] > 0
    assert result["tables"]["customer_segments_history"]["rows"] > result["tables"]["customer_segments"]["rows"]


def test_intermediate_tables_are_identical(two_builds):
    incremental, full_refresh = two_builds
    result = compare_warehouses(incremental.warehouse, full_refresh.warehouse, schema="intermediate")
    assert {name for name, t in result["tables"].items() if not t["equal"]} == set()
