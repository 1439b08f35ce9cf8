"""How Airflow serves the docs site: Cosmos's dbt-docs plugin, configured as `kam.cli.airflow_env` and
docker-compose.yml configure it, serves `<KAM_HOME>/docs/index.html`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from kam.cli.airflow_env import airflow_env
from kam.config import load_settings
from kam.dbt_docs_site import COSMOS_DOCS_ENV, cosmos_docs_projects

ROOT = Path(__file__).resolve().parents[2]


def _settings(home: Path):
    return replace(load_settings(), home=home, warehouse=str(home / "warehouse.duckdb"))


def test_cosmos_dbt_docs_plugin_serves_the_docs_site_of_kam_home(tmp_path, monkeypatch):
    from cosmos.plugin import airflow3

    site = tmp_path / "docs" / "index.html"
    site.parent.mkdir()
    site.write_text("<html><head><title>kam docs</title></head><body>the marts</body></html>")
    env = airflow_env(_settings(tmp_path), base={})
    assert json.loads(env[COSMOS_DOCS_ENV]) == {
        "kam": {"dir": str(tmp_path / "docs"), "index": "index.html", "name": "dbt Docs (key-account warehouse)"}
    }
    monkeypatch.setenv(COSMOS_DOCS_ENV, env[COSMOS_DOCS_ENV])

    client = TestClient(airflow3.create_cosmos_fastapi_app())
    page = client.get("/kam/dbt_docs_index.html")
    frame = client.get("/kam/dbt_docs")

    assert page.status_code == 200
    assert page.text.startswith("<html><head><title>kam docs</title>") and page.text.endswith(
        "<body>the marts</body></html>"
    )
    assert "postMessage" in page.text  # the plugin's iframe script, injected before </head>
    assert '<iframe src="/cosmos/kam/dbt_docs_index.html"' in frame.text
    assert airflow3._load_projects_from_conf()["kam"]["dir"] == str(tmp_path / "docs")


def test_docker_compose_serves_the_docs_site_of_its_kam_home():
    environment = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["x-airflow-common"]["environment"]
    assert environment[COSMOS_DOCS_ENV] == cosmos_docs_projects(Path(environment["KAM_HOME"]))
