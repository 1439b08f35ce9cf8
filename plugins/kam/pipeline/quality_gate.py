"""Stage `gate`: the data-quality gate on the plan's candidates, with its readable report.

The verdict is the gate result as JSON data (`kam.quality.GateResult.to_dict()`)
plus `report_path`; `kam.pipeline.publish_or_block` decides from it whether the run publishes.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from kam.config import Settings
from kam.run_plan import RunPlan

log = logging.getLogger(__name__)


def gate(
    settings: Settings,
    plan: RunPlan,
    *,
    run_id: str,
    dbt_failures: list[str],
    dbt_outcome: dict | None = None,
    failed_extractions: list[str] | None = None,
    run_started_at: datetime | None = None,
) -> dict[str, Any]:
    """Run every check on the plan's candidates schema with the plan's vars as thresholds; write the report.

    `dbt_failures`: the build's failed or skipped nodes (or the build task itself); `dbt_outcome`:
    its nodes (`kam.dbt_results.build_outcome`), None when dbt left no results; `failed_extractions`:
    the extraction tasks that did not succeed; `run_started_at`: when the run started.
    """
    from kam.quality import run_gate, write_report
    from kam.warehouse import open_warehouse

    with open_warehouse(settings, purpose="kam-gate") as warehouse:
        warehouse.after_dbt_build(plan.candidates_schema, (dbt_outcome or {}).get("invocation_id"))
        result = run_gate(
            warehouse,
            run_id=run_id,
            as_of=plan.as_of,
            dbt_outcome=dbt_outcome,
            dbt_failures=list(dbt_failures),
            gate_vars=plan.vars,
            candidates_schema=plan.candidates_schema,
            run_started_at=run_started_at,
            failed_extractions=list(failed_extractions or []),
        )
    report_path = write_report(result, settings.report_dir)
    log.info("%s\nreport: %s", result.summary(), report_path)
    return {**result.to_dict(), "report_path": str(report_path)}
