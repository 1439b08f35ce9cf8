"""Fixtures for tests that need a real PostgreSQL server.

`pg_cluster` starts one throwaway cluster per test session (see pg_cluster.py)
and stops it at the end; without PostgreSQL binaries the tests are skipped with
the reason (run tests/postgres/install_postgres.sh, which `make test` does).
"""

from __future__ import annotations

import uuid

import pytest

from tests.postgres.pg_cluster import ThrowawayCluster, find_bindir


@pytest.fixture(scope="session")
def pg_cluster():
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (tests/postgres/install_postgres.sh could not install them)")
    cluster = ThrowawayCluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture()
def pg_database(pg_cluster) -> str:
    """URL of a fresh, empty database owned by its own login role."""
    return pg_cluster.create_database(f"kam_{uuid.uuid4().hex[:10]}")
