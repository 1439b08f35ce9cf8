"""The nightly pipeline, stage by stage: the one sequence the DAG, the CLI, the benchmark and the tests run.

    D = as_of_date(param, logical_date)          the as-of rule (the only place D is derived)
    p = plan(settings, D, dbt_vars)              nightly or backfill, validated per-run vars
    extract(settings, p, "erp" | "crm" | "all", run_id=...)
    build(settings, p)                           dbt build (the DAG's Cosmos task: dbt_invocation)
    v = gate(settings, p, run_id=..., dbt_failures=[...])
    publish_or_block(settings, p, v, run_id=..., started_at=...)   GateBlocked when blocked
    export(settings, p, run_id=...)
    docs(settings, p)                            the dbt docs site (beside export; never fails the night)

Inputs are settings, a `RunPlan` and plain values; outputs are JSON data (XCom).
The DAG's gate task calls `block_if_failed`, its publish task `publish`;
`run_in_process` chains every stage in one process. Heavy libraries load inside the stages.
"""

from kam.pipeline.as_of import as_of_date, as_of_of_run
from kam.pipeline.dbt_build import DbtInvocation, build, dbt_invocation, read_build
from kam.pipeline.docs_site import docs
from kam.pipeline.export_folder import export
from kam.pipeline.extraction import extract
from kam.pipeline.in_process import run_in_process
from kam.pipeline.planning import plan
from kam.pipeline.publication import GateBlocked, block_if_failed, publish, publish_or_block
from kam.pipeline.quality_gate import gate
from kam.run_plan import RunPlan

__all__ = [
    "DbtInvocation",
    "GateBlocked",
    "RunPlan",
    "as_of_date",
    "as_of_of_run",
    "block_if_failed",
    "build",
    "dbt_invocation",
    "docs",
    "export",
    "extract",
    "gate",
    "plan",
    "publish",
    "publish_or_block",
    "read_build",
    "run_in_process",
]
