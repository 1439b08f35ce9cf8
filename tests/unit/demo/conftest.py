"""Small demo drops, generated once per session under pytest's temporary folder."""

from __future__ import annotations

from datetime import date

import pytest

from kam.contract import OBJECTS
from kam.demo.generate import generate

from .contract_check import broken_rows
from .drop_reader import read_drop

AS_OF = date(2026, 10, 15)
SMALL = 80


@pytest.fixture(scope="session")
def small_drop(tmp_path_factory):
    """(folder, counts) of a drop of 80 customers as of 2026-10-15, seed 42."""
    folder = tmp_path_factory.mktemp("demo") / "drop"
    counts = generate(folder, AS_OF, seed=42, customers=SMALL)
    return folder, counts


@pytest.fixture(scope="session")
def small_tables(small_drop):
    """Every object of the small drop as text."""
    return read_drop(small_drop[0])


@pytest.fixture(scope="session")
def valid_tables(small_tables):
    """Every object of the small drop without its contract-breaking rows."""
    return {name: frame[~broken_rows(OBJECTS[name], frame)] for name, frame in small_tables.items()}
