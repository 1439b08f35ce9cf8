"""The nightly key-account warehouse run: plan, extract, dbt build, quality gate, publish, export.

           ┌─▶ extract_erp ─┐
    plan ──┤                ├─▶ dbt_build ─▶ gate ─▶ publish ─▶ export
           └─▶ extract_crm ─┘

Each task is a `kam.pipeline` stage (the operators are thin wrappers); `dbt_build`
is one Cosmos `DbtBuildLocalOperator` of the whole project (why one task, with the
measurements: docs/decisions/0010-one-dbt-build-task.md; plans, reruns and
backfills: docs/decisions/0009-nights-reruns-backfills.md). Every task writing the
warehouse runs in the one-slot pool `kam_warehouse` (DuckDB has one writer per
file). Nothing here reads settings, connects to a database or imports pandas at parse time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, Param, chain
from cosmos import InvocationMode, ProfileConfig
from cosmos.operators.local import DbtBuildLocalOperator

from kam.config import DBT_GUARDED, DBT_PROJECT_DIR, extract_retry_policy
from kam.dbt_env import NIGHTLY_DBT_EXCLUDE
from operators import (
    KamDbtInterceptor,
    KamExportOperator,
    KamExtractOperator,
    KamGateOperator,
    KamPlanOperator,
    KamPublishOperator,
)
from operators.dbt_run_results import record_dbt_results

DAG_ID = "kam_nightly"
# profiles.yml's default; KamDbtInterceptor sets the warehouse's own target at run time.
PARSE_TIME_DBT_TARGET = "duckdb"
WAREHOUSE_POOL = "kam_warehouse"
DBT_EXECUTABLE = str(DBT_GUARDED)
PLAN_TASK_ID = "plan"
EXTRACT_TASK_IDS = ("extract_erp", "extract_crm")
DBT_TASK_ID = "dbt_build"
# Far enough back for any history: a logical date before start_date runs no task at all.
START_DATE = datetime(1900, 1, 1)
EXTRACT_RETRIES, EXTRACT_RETRY_DELAY_SECONDS = extract_retry_policy()


def notify_failure(context):
    """on_failure_callback: `kam.publish.alerts.notify_failure`, imported when a task fails."""
    from kam.publish.alerts import notify_failure as notify

    notify(context)


DOC_MD = """
### kam_nightly — the key-account warehouse

Every night at 02:00 UTC for **as-of D = the day before** (or the param `as_of`): the run
plan (nightly, or backfill for a D older than the latest extracted night), extraction of
the order system and the CRM into `raw.*`, one `dbt build` with the data tests, the
data-quality gate, one atomic publication of `reporting.*` and the export folder `<D>/`.

A **blocked** run publishes nothing: it is recorded in `reporting.pipeline_runs` with the
failed checks, fails the `gate` task and leaves its report in `<report dir>/<D>/`.
Rerun a date with `{"as_of": "YYYY-MM-DD"}`; override dbt vars (and gate thresholds) for
one run with `{"as_of": "YYYY-MM-DD", "vars": {"max_row_change": 0.4}}`.
"""

default_args = {
    "owner": "kam",
    "pool": WAREHOUSE_POOL,
    "retries": 0,
    "on_failure_callback": notify_failure,
}

with DAG(
    dag_id=DAG_ID,
    description="Nightly key-account warehouse: extract, dbt build, gate, publish, export",
    schedule="0 2 * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    params={
        "as_of": Param(
            None,
            type=["null", "string"],
            pattern=r"^\d{4}-\d{2}-\d{2}$",
            description="As-of date D (YYYY-MM-DD); empty = the day before the logical date",
        ),
        "vars": Param(
            {},
            type="object",
            description="Per-run dbt var overrides (names of dbt_project.yml vars, same types), "
            'e.g. {"max_row_change": 0.4}; they reach dbt and the gate thresholds',
        ),
    },
    tags=["kam", "warehouse", "dbt", "nightly"],
    doc_md=DOC_MD,
) as dag:
    plan = KamPlanOperator(
        task_id=PLAN_TASK_ID,
        doc_md="Validates the params, settles an interrupted publication, decides nightly or backfill; "
        "the plan goes to XCom for every later task.",
    )
    extract_retry = {"retries": EXTRACT_RETRIES, "retry_delay": timedelta(seconds=EXTRACT_RETRY_DELAY_SECONDS)}
    extract_erp = KamExtractOperator(
        task_id="extract_erp",
        system="erp",
        **extract_retry,
        doc_md="Orders, order lines and exchange rates from the order system into `raw.*` (nothing on a backfill).",
    )
    extract_crm = KamExtractOperator(
        task_id="extract_crm",
        system="crm",
        **extract_retry,
        doc_md="Accounts, contacts, opportunities, activities, cases and surveys from the CRM into `raw.*` "
        "(nothing on a backfill).",
    )

    dbt_build = DbtBuildLocalOperator(
        task_id=DBT_TASK_ID,
        project_dir=str(DBT_PROJECT_DIR),
        profile_config=ProfileConfig(
            profile_name="kam_warehouse",
            target_name=PARSE_TIME_DBT_TARGET,
            profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml",
        ),
        invocation_mode=InvocationMode.SUBPROCESS,
        dbt_executable_path=DBT_EXECUTABLE,
        exclude=NIGHTLY_DBT_EXCLUDE,
        callback=record_dbt_results,
        interceptors=[KamDbtInterceptor()],
        append_env=True,
        install_deps=False,
        emit_datasets=False,
        pool=WAREHOUSE_POOL,
        doc_md="`dbt build` of the whole project (unit tests excluded: `make test` runs them); "
        "failed nodes to XCom `dbt_failures` for the gate.",
    )

    gate = KamGateOperator(
        task_id="gate",
        dbt_task_id=DBT_TASK_ID,
        extract_task_ids=EXTRACT_TASK_IDS,
        doc_md="The data-quality gate; blocked = nothing published, run recorded, task failed.",
    )
    publish = KamPublishOperator(
        task_id="publish",
        gate_task_id="gate",
        extract_task_ids=EXTRACT_TASK_IDS,
        doc_md="One transaction replaces `reporting.*`; then the reporting DB snapshot.",
    )
    export = KamExportOperator(task_id="export", doc_md="`<export dir>/<D>/`: CSVs, workbook, manifest.")

    chain(plan, [extract_erp, extract_crm], dbt_build, gate, publish, export)
