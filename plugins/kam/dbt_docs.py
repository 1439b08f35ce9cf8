"""What a published table and its columns mean: the model and column descriptions in dbt's manifest.json.

The descriptions are written once, in the models' YAML and doc blocks (`dbt_project/models/docs/`);
every `dbt build` renders them into `manifest.json` in its target folder. Under KAM_HOME the nightly
build leaves it in `dbt/cosmos/target` (the DAG's Cosmos task keeps it beside its partial parse,
`operators.kam_dbt_interceptor.COSMOS_CACHE_SUBDIR`) or `dbt/target` (a build in a subprocess:
`kam.pipeline.dbt_build.build`, the benchmark, the tests); a backfill in the `dbt_backfill` twins.
A leaf module: it imports nothing of `kam`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MANIFEST_FILE = "manifest.json"
#: the target folders under KAM_HOME a dbt build writes its manifest to (see the module docstring)
MANIFEST_FOLDERS = ("dbt/cosmos/target", "dbt/target", "dbt_backfill/cosmos/target", "dbt_backfill/target")


@dataclass(frozen=True)
class ModelDocs:
    """A model's description and its columns' descriptions (in the YAML's order), as dbt rendered them."""

    name: str
    description: str
    columns: dict[str, str]


def find_manifest(home: str | Path) -> Path | None:
    """The newest `manifest.json` a dbt build left under `home` (KAM_HOME), None if there is none."""
    found = [Path(home) / folder / MANIFEST_FILE for folder in MANIFEST_FOLDERS]
    found = [path for path in found if path.is_file()]
    return max(found, key=lambda path: path.stat().st_mtime_ns) if found else None


def read_model_docs(manifest: str | Path, models: Iterable[str], as_written: bool = False) -> dict[str, ModelDocs]:
    """The docs of `models` (model names of the dbt project) in `manifest`; a model it lacks is left out.
    Stripped of surrounding white space, unless `as_written` (what dbt's persist_docs writes as comments)."""
    document = json.loads(Path(manifest).read_text(encoding="utf-8"))
    project = (document.get("metadata") or {}).get("project_name")
    wanted = set(models)
    docs = {}
    for node in (document.get("nodes") or {}).values():
        if node.get("resource_type") != "model" or node.get("name") not in wanted:
            continue
        if project and node.get("package_name") != project:
            continue
        text = (lambda value: value or "") if as_written else (lambda value: (value or "").strip())
        docs[node["name"]] = ModelDocs(
            name=node["name"],
            description=text(node.get("description")),
            columns={name: text(column.get("description")) for name, column in (node.get("columns") or {}).items()},
        )
    return docs


def published_docs(home: str | Path, models: Iterable[str]) -> dict[str, ModelDocs]:
    """`read_model_docs` of the newest manifest under `home`; empty when no dbt build left one there."""
    manifest = find_manifest(home)
    return read_model_docs(manifest, models) if manifest else {}
