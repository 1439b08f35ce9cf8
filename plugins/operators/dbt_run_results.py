"""What a `dbt build` left in `run_results.json`: the failed nodes, as the gate names them.

`record_dbt_results` is the Cosmos `callback` of the nightly `dbt_build` task: Cosmos
calls it with the task's temporary project folder right after dbt ran (before it
raises on a failed build), and it pushes the names of the failed and skipped nodes
to XCom (`DBT_FAILURES_KEY`, see `failures_from_run_results`) and a count per status (`DBT_STATUS_COUNTS_KEY`).
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DBT_FAILURES_KEY = "dbt_failures"
DBT_STATUS_COUNTS_KEY = "dbt_status_counts"
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


def record_dbt_results(project_dir: str, context: Any = None, **_: Any) -> list[str] | None:
    """Cosmos callback: push the failed nodes of `<project_dir>/target/run_results.json` to XCom.

    Without a run_results.json (dbt stopped before running any node) nothing is
    pushed: the gate then names the task itself with its state.
    """
    path = Path(project_dir) / "target" / "run_results.json"
    if not path.is_file():
        log.warning("dbt left no run_results.json at %s", path)
        return None
    run_results = json.loads(path.read_text())
    failures = failures_from_run_results(run_results)
    counts = status_counts(run_results)
    log.info("dbt build: %s; failed or skipped: %s", counts, ", ".join(failures) or "none")
    if context is not None:
        context["ti"].xcom_push(key=DBT_FAILURES_KEY, value=failures)
        context["ti"].xcom_push(key=DBT_STATUS_COUNTS_KEY, value=counts)
    return failures
