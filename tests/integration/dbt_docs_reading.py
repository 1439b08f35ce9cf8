"""What the dbt project says, read from its files (not from dbt's output): a doc block of
`dbt_project/models/docs/*.md`, a model's description in its YAML, as dbt renders them; and what a
static docs site holds (its inline manifest and catalog, anything it would load from the network)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"
DOC_BLOCK = re.compile(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", re.S)
# (published table, column) -> the doc block its YAML description names
DOCUMENTED_COLUMNS = {
    ("customer_segments", "revenue_12m"): "revenue_12m",
    ("customer_segments_history", "lapse_status"): "lapse_status",
    ("win_back_list", "value_at_stake"): "value_at_stake",
    ("kam_workload", "is_overloaded"): "is_overloaded",
}
TAG = re.compile(r"<(script|link|img|iframe)\b[^>]*>", re.I)
REMOTE = re.compile(r"""\b(src|href)\s*=\s*["']?(https?:)?//""", re.I)


def doc_block(name: str) -> str:
    """The text of the doc block `name` (dbt strips it)."""
    files = sorted((MODELS / "docs").glob("*.md"))
    return {m[1]: m[2].strip() for f in files for m in DOC_BLOCK.finditer(f.read_text())}[name]


def documented_columns() -> dict[tuple[str, str], str]:
    """DOCUMENTED_COLUMNS with their doc blocks' text."""
    return {key: doc_block(name) for key, name in DOCUMENTED_COLUMNS.items()}


def model_description(layer: str, model: str) -> str:
    """The description of `model` in `models/<layer>/<model>.yml`, as written (a folded `>` keeps its newline)."""
    [entry] = yaml.safe_load((MODELS / layer / f"{model}.yml").read_text())["models"]
    return entry["description"]


def inline_artifact(html: str, kind: str) -> dict:
    """The `manifest` or `catalog` dbt inlined into a static index (the JSON object at its schema URL)."""
    start = html.index('{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/' + kind + "/")
    artifact, _ = json.JSONDecoder().raw_decode(html, start)
    return artifact


def remote_references(html: str) -> list[str]:
    """Tags that load something from the network (a script, style sheet, image or frame by URL)."""
    return [tag[0] for tag in TAG.finditer(html) if REMOTE.search(tag[0])]
