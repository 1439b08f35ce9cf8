"""Where the dbt docs site lives (`<KAM_HOME>/docs/index.html`) and how Cosmos's dbt-docs plugin is told.

The nightly `docs` stage (kam.pipeline.docs_site) writes the site; the Airflow UI serves it under
Browse > "dbt Docs" through Cosmos's plugin, configured by `[cosmos] dbt_docs_projects` (the Airflow 3
plugin of Cosmos 1.15 reads only that key: a JSON object of project slug to dir, index and name).
"""

from __future__ import annotations

import json
from pathlib import Path

DOCS_FOLDER = "docs"
INDEX_FILE = "index.html"
COSMOS_PROJECT = "kam"  # the slug in the plugin's URLs: /cosmos/kam/dbt_docs_index.html
COSMOS_DOCS_NAME = "dbt Docs (key-account warehouse)"
COSMOS_DOCS_ENV = "AIRFLOW__COSMOS__DBT_DOCS_PROJECTS"


def docs_dir(home: Path) -> Path:
    """The folder of the docs site of the KAM_HOME `home`."""
    return Path(home) / DOCS_FOLDER


def cosmos_docs_projects(home: Path) -> str:
    """The value of `[cosmos] dbt_docs_projects` that serves the docs site of `home`."""
    project = {"dir": str(docs_dir(home)), "index": INDEX_FILE, "name": COSMOS_DOCS_NAME}
    return json.dumps({COSMOS_PROJECT: project})
