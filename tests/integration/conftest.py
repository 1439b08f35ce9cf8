"""Shared fixture: the worked example of ../shared/examples/small, extracted and built once.

`example_warehouse` runs extraction and `dbt build` for as-of 2026-10-15 into a
temporary DuckDB warehouse and yields its settings; test modules compare the
built tables with `expected/`.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kam.config import load_settings

EXAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "small"
EXAMPLE_AS_OF = "2026-10-15"


@pytest.fixture(scope="session")
def example_dir() -> Path:
    if not EXAMPLE.exists():
        pytest.skip(f"worked example not found at {EXAMPLE}")
    return EXAMPLE


@pytest.fixture(scope="session")
def example_warehouse(example_dir, tmp_path_factory):
    """Settings of a warehouse holding the example, built through dbt (models and tests)."""
    from kam.dbt_env import run_dbt
    from kam.extract import extract_all

    home = tmp_path_factory.mktemp("example")
    settings = replace(
        load_settings(),
        home=home,
        orders_source=str(example_dir / "src" / "erp"),
        crm_source=str(example_dir / "src" / "crm"),
        warehouse=str(home / "warehouse.duckdb"),
        reporting_db=str(home / "reporting.duckdb"),
        export_dir=home / "exports",
        report_dir=home / "reports",
    )
    extract_all(settings, "example_run", date.fromisoformat(EXAMPLE_AS_OF))
    result = run_dbt(settings, ["build"], as_of=EXAMPLE_AS_OF, check=False)
    (home / "dbt_build.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        pytest.fail(f"dbt build failed on the example, see {home / 'dbt_build.log'}:\n{result.stdout[-4000:]}")
    yield settings


def copy_of_example(example_warehouse, home: Path):
    """Settings of a private copy of the example warehouse in `home` (the shared one is never mutated)."""
    shutil.copy(example_warehouse.warehouse, home / "warehouse.duckdb")
    return replace(
        example_warehouse,
        home=home,
        warehouse=str(home / "warehouse.duckdb"),
        reporting_db=str(home / "reporting.duckdb"),
        export_dir=home / "exports",
        report_dir=home / "reports",
    )


@pytest.fixture
def example_home(example_warehouse, tmp_path):
    """Settings of a private copy of the example warehouse under tmp_path."""
    return copy_of_example(example_warehouse, tmp_path)
