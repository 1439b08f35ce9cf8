"""Fixtures of the gate tests: a fresh copy of the fake warehouse per test, and the gate run on it."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from kam.quality import run_gate

from . import fake_warehouse

DBT_PASSED = {"failed": [], "nodes": []}  # a dbt build whose every node passed (no gate test among them)


@pytest.fixture(scope="session")
def fake_warehouse_file(tmp_path_factory):
    """The fake warehouse, built once; tests get copies."""
    path = tmp_path_factory.mktemp("quality") / "template.duckdb"
    fake_warehouse.build(path).close()
    return path


@pytest.fixture
def warehouse(fake_warehouse_file, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(fake_warehouse_file, path)
    con = duckdb.connect(str(path))
    con.execute("set TimeZone = 'UTC'")
    yield con
    con.close()


@pytest.fixture
def gate(warehouse):
    """Run the gate on the fake warehouse (keyword arguments override the defaults)."""

    def run(**kwargs):
        args = {"run_id": fake_warehouse.RUN_ID, "as_of": fake_warehouse.AS_OF, "dbt_outcome": DBT_PASSED, **kwargs}
        return run_gate(warehouse, **args)

    return run
