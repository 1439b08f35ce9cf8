"""The nightly dbt task's callback: what its `dbt build` did, to XCom for the gate.

`record_dbt_results` is the Cosmos `callback` of the nightly `dbt_build` task: Cosmos
calls it with the task's temporary project folder right after dbt ran (before it
raises on a failed build). It pushes the build's outcome (`DBT_OUTCOME_KEY`, see
`kam.dbt_results.build_outcome`: every node's status, meta and stored failing rows),
and, from it, the failed and skipped nodes (`DBT_FAILURES_KEY`) and a count per status
(`DBT_STATUS_COUNTS_KEY`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kam.dbt_results import read_build_outcome

log = logging.getLogger(__name__)

DBT_OUTCOME_KEY = "dbt_outcome"
DBT_FAILURES_KEY = "dbt_failures"
DBT_STATUS_COUNTS_KEY = "dbt_status_counts"


def record_dbt_results(project_dir: str, context: Any = None, **_: Any) -> list[str] | None:
    """Cosmos callback: push the outcome of `<project_dir>/target` to XCom; return the failed nodes.

    Without a run_results.json (dbt stopped before running any node) nothing is
    pushed: the gate then names the task itself with its state.
    """
    target = Path(project_dir) / "target"
    outcome = read_build_outcome(target)
    if outcome is None:
        log.warning("dbt left no run_results.json in %s", target)
        return None
    log.info("dbt build: %s; failed or skipped: %s", outcome["status_counts"], ", ".join(outcome["failed"]) or "none")
    if context is not None:
        context["ti"].xcom_push(key=DBT_OUTCOME_KEY, value=outcome)
        context["ti"].xcom_push(key=DBT_FAILURES_KEY, value=outcome["failed"])
        context["ti"].xcom_push(key=DBT_STATUS_COUNTS_KEY, value=outcome["status_counts"])
    return outcome["failed"]
