"""What a `dbt build` left in its target folder, as plain JSON data for the gate.

`build_outcome` joins `run_results.json` (each node's status, failures, message) with
`manifest.json` (each node's `meta`, and the table holding a test's failing rows). Used by
the DAG's dbt task callback and by the benchmark, so both report dbt the same way.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
HOOK_PREFIX = "operation."  # on-run-start / on-run-end of dbt_project.yml
# The column macro night_stamp adds to incremental models: when a build wrote the row, not what it holds
# (comparisons of two builds leave it out).
NIGHT_STAMP_COLUMN = "_dbt_run_started_at"


def node_name(unique_id: str) -> str:
    """`test.proj.not_null_x.ab12` -> `not_null_x`; `unit_test.proj.model.case` -> `model.case`; else the last part."""
    parts = unique_id.split(".")
    if parts[0] == "test" and len(parts) >= 3:
        return parts[2]
    if parts[0] == "unit_test" and len(parts) >= 4:
        return ".".join(parts[2:])
    return parts[-1]


def failures_from_run_results(run_results: dict[str, Any]) -> list[str]:
    """What did not come through, the cause first: the nodes that failed (tests, models,
    unit tests: `name`), sorted, then the models, seeds and snapshots dbt skipped
    because something upstream failed (`name (skipped)`), sorted. Skipped tests are
    left out: they are the tests of a skipped model, which is named already."""
    failed, skipped = [], []
    for result in run_results.get("results", []):
        unique_id = result["unique_id"]
        if result["status"] in FAILED_STATUSES:
            failed.append(node_name(unique_id))
        elif result["status"] == "skipped" and not unique_id.startswith(("test.", "unit_test.")):
            skipped.append(f"{node_name(unique_id)} (skipped)")
    return sorted(failed) + sorted(skipped)


def status_counts(run_results: dict[str, Any]) -> dict[str, int]:
    """How many nodes ended in each status, e.g. `{"success": 31, "pass": 400, "fail": 1}`; the project's
    hooks (`operation.*`: Spark's inbox and outbox, no-ops elsewhere) are not nodes of the DAG, so not
    counted (a failed hook is still among the failures)."""
    results = [r for r in run_results.get("results", []) if not r["unique_id"].startswith(HOOK_PREFIX)]
    return dict(sorted(Counter(str(r["status"]) for r in results).items()))


def build_outcome(run_results: dict[str, Any], manifest: dict[str, Any] | None = None) -> dict[str, Any]:
    """The build for the gate: `failed` (as `failures_from_run_results`), `status_counts`, and
    `nodes`, one per result: `unique_id`, `name`, `resource_type`, `status`, `failures` (rows
    a test returned), `message`, `meta` (the node's `config.meta`, e.g. `gate_check`) and
    `relation` (`schema.table` of a test's stored failing rows, else None); and the build's `invocation_id`."""
    manifest_nodes = {**(manifest or {}).get("nodes", {}), **(manifest or {}).get("unit_tests", {})}
    nodes = []
    for result in run_results.get("results", []):
        unique_id = result["unique_id"]
        node = manifest_nodes.get(unique_id, {})
        stored = result.get("relation_name") and unique_id.startswith("test.") and node.get("schema")
        nodes.append(
            {
                "unique_id": unique_id,
                "name": node_name(unique_id),
                "resource_type": unique_id.split(".")[0],
                "status": str(result["status"]),
                "failures": result.get("failures"),
                "message": result.get("message"),
                "meta": (node.get("config") or {}).get("meta") or {},
                "relation": f"{node['schema']}.{node.get('alias') or node['name']}" if stored else None,
            }
        )
    return {
        "failed": failures_from_run_results(run_results),
        "status_counts": status_counts(run_results),
        "nodes": nodes,
        "invocation_id": (run_results.get("metadata") or {}).get("invocation_id"),
    }


def read_build_outcome(target_dir: str | Path) -> dict[str, Any] | None:
    """`build_outcome` of the `run_results.json` and `manifest.json` in dbt's `target_dir`;
    None without a run_results.json (dbt stopped before running any node)."""
    target = Path(target_dir)
    if not (target / "run_results.json").is_file():
        return None
    manifest = target / "manifest.json"
    return build_outcome(
        json.loads((target / "run_results.json").read_text()),
        json.loads(manifest.read_text()) if manifest.is_file() else None,
    )
