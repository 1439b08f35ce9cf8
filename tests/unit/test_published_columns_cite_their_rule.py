"""Every published column (the marts, copied to schema reporting) is described by a doc block of
dbt_project/models/docs/ that names its spec section, so a reader goes from a column to its rule
in one hop; and the history's contract is customer_segments' (its SQL reads that contract)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"
DOC_REFERENCE = re.compile(r"""^\{\{ doc\(["'](\w+)["']\) \}\}$""")


def _doc_blocks() -> dict[str, str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in (MODELS / "docs").glob("*.md"))
    return dict(re.findall(r"\{% docs (\w+) %\}(.*?)\{% enddocs %\}", text, flags=re.S))


def _mart_columns(name: str) -> list[dict]:
    document = yaml.safe_load((MODELS / "marts" / f"{name}.yml").read_text(encoding="utf-8"))
    (model,) = [m for m in document["models"] if m["name"] == name]
    return model["columns"]


@pytest.mark.parametrize("name", sorted(p.stem for p in (MODELS / "marts").glob("*.yml")))
def test_every_published_column_uses_a_doc_block_citing_the_spec(name):
    blocks = _doc_blocks()
    for column in _mart_columns(name):
        reference = DOC_REFERENCE.match(column.get("description", "").strip())
        assert reference, f"{name}.{column['name']}: description is not a doc block"
        assert reference.group(1) in blocks, f"{name}.{column['name']}: no doc block {reference.group(1)}"
        assert re.search(r"Spec: (metrics|outputs|sources)\.md §", blocks[reference.group(1)]), reference.group(1)
        assert column.get("data_type"), f"{name}.{column['name']}: no data_type for the contract"


def test_history_columns_are_customer_segments_columns():
    def shape(name):
        return [(c["name"], c["data_type"]) for c in _mart_columns(name)]

    assert shape("customer_segments_history") == shape("customer_segments")
