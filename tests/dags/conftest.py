"""Airflow settings for DAG tests: a throwaway AIRFLOW_HOME unless one is set, repo folders.

Set before any test module imports Airflow, so parsing the DAG writes nothing under var/.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="kam-airflow-home-"))
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_FOLDER))
os.environ.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(REPO / "plugins"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")


@pytest.fixture(scope="session")
def dag_bag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_FOLDER), known_pools={"default_pool", "kam_warehouse"})


@pytest.fixture(scope="session")
def dag(dag_bag):
    assert not dag_bag.import_errors, dag_bag.import_errors
    return dag_bag.dags["kam_nightly"]
