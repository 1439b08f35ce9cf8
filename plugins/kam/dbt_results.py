"""What a `dbt build` left in `run_results.json`: the failed nodes, named as the gate names them.

Used by the DAG's dbt task callback and by the benchmark, so both report dbt
failures the same way.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})


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
    """How many nodes ended in each status, e.g. `{"success": 31, "pass": 400, "fail": 1}`."""
    return dict(sorted(Counter(str(r["status"]) for r in run_results.get("results", [])).items()))
