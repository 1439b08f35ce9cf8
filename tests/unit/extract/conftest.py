"""Fixtures for extraction tests: `env`, a fresh ERP/CRM source pair and warehouse under tmp_path."""

from __future__ import annotations

import pytest
from extract_helpers import Env


@pytest.fixture
def env(tmp_path) -> Env:
    return Env(tmp_path)
