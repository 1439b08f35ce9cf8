"""kam.dbt_docs: the descriptions of the published models, from the manifest a dbt build left under KAM_HOME."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from kam.dbt_docs import MANIFEST_FOLDERS, find_manifest, published_docs, read_model_docs


def _manifest(path: Path, description: str) -> Path:
    nodes = {
        "model.kam_warehouse.key_accounts": {
            "resource_type": "model",
            "package_name": "kam_warehouse",
            "name": "key_accounts",
            "description": f" {description}\n",
            "columns": {"customer_id": {"description": "The customer.\n"}, "potential": {}},
        },
        "model.kam_warehouse.kam_workload": {"resource_type": "model", "package_name": "kam_warehouse", "name": "x"},
        "model.dbt_utils.key_accounts": {"resource_type": "model", "package_name": "dbt_utils", "name": "key_accounts"},
        "test.kam_warehouse.key_accounts": {"resource_type": "test", "package_name": "kam_warehouse", "name": "k"},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"metadata": {"project_name": "kam_warehouse"}, "nodes": nodes}))
    return path


def test_the_models_docs_are_read_from_the_project_s_model_nodes(tmp_path):
    manifest = _manifest(tmp_path / "manifest.json", "Key accounts.")
    docs = read_model_docs(manifest, ["key_accounts", "kam_workload"])
    assert list(docs) == ["key_accounts"]  # kam_workload is not in this manifest
    assert docs["key_accounts"].description == "Key accounts."
    assert docs["key_accounts"].columns == {"customer_id": "The customer.", "potential": ""}


def test_the_newest_manifest_under_kam_home_is_read(tmp_path):
    assert find_manifest(tmp_path) is None and published_docs(tmp_path, ["key_accounts"]) == {}
    older = _manifest(tmp_path / "dbt" / "target" / "manifest.json", "From a subprocess build.")
    newer = _manifest(tmp_path / "dbt" / "cosmos" / "target" / "manifest.json", "From the nightly Cosmos task.")
    os.utime(older, ns=(1_000_000_000, 1_000_000_000))
    assert find_manifest(tmp_path) == newer
    assert published_docs(tmp_path, ["key_accounts"])["key_accounts"].description == "From the nightly Cosmos task."


def test_the_manifest_folders_are_where_the_builds_write(tmp_path):
    from kam.config import load_settings
    from kam.pipeline.dbt_build import dbt_work_dir
    from kam.run_plan import RunPlan
    from operators.kam_dbt_interceptor import COSMOS_CACHE_SUBDIR

    settings = load_settings()
    nightly = RunPlan(as_of=date(2026, 10, 15))
    backfill = RunPlan(as_of=date(2026, 10, 1), mode="backfill", latest_extracted_as_of=date(2026, 10, 15))
    folders = []
    for plan in (nightly, backfill):
        work_dir = dbt_work_dir(settings, plan).relative_to(settings.home)
        folders += [str(work_dir / COSMOS_CACHE_SUBDIR / "target"), str(work_dir / "target")]
    assert tuple(folders) == MANIFEST_FOLDERS
