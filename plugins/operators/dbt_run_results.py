"""The nightly dbt task's callback: the failed nodes of its `dbt build`, to XCom for the gate.

`record_dbt_results` is the Cosmos `callback` of the nightly `dbt_build` task: Cosmos
calls it with the task's temporary project folder right after dbt ran (before it
raises on a failed build), and it pushes the names of the failed and skipped nodes
to XCom (`DBT_FAILURES_KEY`, see `failures_from_run_results`) and a count per status (`DBT_STATUS_COUNTS_KEY`).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from kam.dbt_results import failures_from_run_results, status_counts

log = logging.getLogger(__name__)

DBT_FAILURES_KEY = "dbt_failures"
DBT_STATUS_COUNTS_KEY = "dbt_status_counts"


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
