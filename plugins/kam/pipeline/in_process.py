"""One whole night without Airflow, stage after stage: for the tests and tools that run the pipeline in-process.

The DAG runs the same stages as tasks; `run_in_process` chains them in one process.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kam.config import Settings
from kam.pipeline.dbt_build import build
from kam.pipeline.docs_site import docs
from kam.pipeline.export_folder import export
from kam.pipeline.extraction import extract
from kam.pipeline.planning import plan
from kam.pipeline.publication import publish_or_block
from kam.pipeline.quality_gate import gate


def run_in_process(
    settings: Settings,
    as_of: date,
    *,
    run_id: str,
    dbt_vars: dict | None = None,
    started_at: datetime | None = None,
    dbt_work_dir: Path | None = None,
    unit_tests: bool = False,
) -> dict[str, Any]:
    """plan -> extract (both systems) -> dbt build -> gate -> publish or block -> export -> docs.

    Returns each stage's output by name. A blocked gate raises `GateBlocked` after
    recording the run (dbt failures reach the gate as its `dbt_tests` check).
    """
    started_at = started_at or datetime.now(UTC)
    run_plan = plan(settings, as_of, dbt_vars)
    extracted = extract(settings, run_plan, "all", run_id=run_id)
    dbt = build(settings, run_plan, work_dir=dbt_work_dir, unit_tests=unit_tests)
    verdict = gate(
        settings,
        run_plan,
        run_id=run_id,
        dbt_failures=dbt["failures"],
        dbt_outcome=dbt["outcome"],
        run_started_at=started_at,
    )
    published = publish_or_block(settings, run_plan, verdict, run_id=run_id, started_at=started_at)
    folder = export(settings, run_plan, run_id=run_id)
    site = docs(settings, run_plan, build_dir=dbt_work_dir)
    return {
        "plan": run_plan.to_dict(),
        "extract": extracted,
        "dbt": dbt,
        "gate": verdict,
        "publish": published,
        "export": folder,
        "docs": site,
    }
