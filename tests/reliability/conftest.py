"""Fixtures and markers of the fault suite: the nightly deliveries, built once per session.

`reliability_full` marks the slow night-level variants: they run only when KAM_RELIABILITY_FULL=1
(`make reliability`), so `make test` keeps to its time budget.
"""

from __future__ import annotations

import os

import pytest

from tests.reliability.deliveries import EXAMPLE, Replayer


def pytest_configure(config):
    config.addinivalue_line("markers", "reliability_full: slow fault-suite variant, only under make reliability")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("KAM_RELIABILITY_FULL") == "1":
        return
    skip = pytest.mark.skip(reason="slow fault-suite variant: run `make reliability` (KAM_RELIABILITY_FULL=1)")
    for item in items:
        if "reliability_full" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def replayer() -> Replayer:
    if not EXAMPLE.exists():
        pytest.skip(f"worked example not found at {EXAMPLE}")
    return Replayer()
