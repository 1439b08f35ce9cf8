"""`make docs` (kam.cli.docs, the nightly `docs` stage) on the worked example: one self-contained HTML file
in `<KAM_HOME>/docs/` whose inline manifest and catalog list the marts with their descriptions; the
build's manifest is reused (its compiled SQL is there) and the catalog shows the comments
`persist_docs` wrote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kam.cli import docs as docs_cli
from kam.dbt_docs_site import DOCS_FOLDER
from kam.pipeline.docs_site import DOCS_WORK_FOLDER
from kam.publish.exposures import reporting_tables
from tests.integration.dbt_docs_reading import doc_block, inline_artifact, remote_references

pytestmark = pytest.mark.slow


@pytest.fixture
def built_home(example_warehouse, monkeypatch):
    """KAM_HOME of the example's warehouse, as after its night's `dbt build`: the docs reuse that build's
    parse state, valid only for its warehouse path (a copy would parse the project again, ~10 s). The docs
    site and dbt's docs folder are removed afterwards; the warehouse is only read."""
    home = Path(example_warehouse.home)
    for name in ("KAM_WAREHOUSE", "KAM_REPORTING_DB", "KAM_EXPORT_DIR", "KAM_REPORT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KAM_HOME", str(home))
    yield home
    for folder in (DOCS_FOLDER, DOCS_WORK_FOLDER):
        shutil.rmtree(home / folder, ignore_errors=True)


def test_make_docs_writes_one_self_contained_file_listing_the_marts(built_home, capsys):
    assert docs_cli.main(["--as-of", "2026-10-15"]) == 0

    site = built_home / "docs" / "index.html"
    assert capsys.readouterr().out == f"dbt docs site: {site}\n"
    html = site.read_text()
    assert remote_references(html) == []
    manifest, catalog = inline_artifact(html, "manifest"), inline_artifact(html, "catalog")
    built = json.loads((built_home / "dbt" / "target" / "manifest.json").read_text())
    assert (
        manifest["metadata"]["invocation_id"] == built["metadata"]["invocation_id"]
    )  # the build's, not compiled again
    for mart in reporting_tables():
        node = manifest["nodes"][f"model.kam_warehouse.{mart}"]
        assert node["schema"] == "marts" and node["compiled_code"], mart
        assert catalog["nodes"][f"model.kam_warehouse.{mart}"]["metadata"]["schema"] == "marts", mart
    workload = "model.kam_warehouse.kam_workload"
    assert manifest["nodes"][workload]["columns"]["is_overloaded"]["description"] == doc_block("is_overloaded")
    assert catalog["nodes"][workload]["columns"]["is_overloaded"]["comment"] == doc_block("is_overloaded")
