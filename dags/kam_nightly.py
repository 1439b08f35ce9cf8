"""The nightly key-account warehouse run: plan, extract, dbt build, quality gate, publish, export.

           ┌─▶ extract_erp ─┐
    plan ──┤                ├─▶ dbt_build ─▶ gate ─▶ publish ─┬─▶ export
           └─▶ extract_crm ─┘                                └─▶ docs

Each task is a `kam.pipeline` stage (the operators are thin wrappers); `dbt_build`
is one Cosmos `DbtBuildLocalOperator` of the whole project (why one task, with the
measurements: docs/decisions/0010-one-dbt-build-task.md; plans, reruns and
backfills: docs/decisions/0009-nights-reruns-backfills.md). Every task writing the
warehouse runs in the one-slot pool `kam_warehouse` (DuckDB has one writer per
file). One alert per night at DAG level, asset outlets, timeouts and the deadline alert:
docs/decisions/0024. At parse time nothing here connects to a database or imports pandas, and
only the retry, timeout and deadline settings are read (environment, `kam.config`).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from airflow.sdk import DAG, AsyncCallback, DeadlineAlert, DeadlineReference, Param, chain
from cosmos import InvocationMode, ProfileConfig
from cosmos.operators.local import DbtBuildLocalOperator

from kam.config import DBT_GUARDED, DBT_PROJECT_DIR, extract_retry_policy, late_after, task_timeouts
from kam.dbt_env import NIGHTLY_DBT_EXCLUDE
from operators import (
    KamDbtInterceptor,
    KamDocsOperator,
    KamExportOperator,
    KamExtractOperator,
    KamGateOperator,
    KamPlanOperator,
    KamPublishOperator,
)
from operators.assets import EXPORTS, REPORTING
from operators.dbt_run_results import record_dbt_results
from operators.night_callbacks import log_task_failure, night_failed, night_late, night_published

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
SCHEDULED_AT = time(2, 0)  # UTC: the schedule below; the logical date of a scheduled night
EXTRACT_RETRIES, EXTRACT_RETRY_DELAY_SECONDS = extract_retry_policy()
TIMEOUTS = task_timeouts()  # execution_timeout per stage, KAM_<STAGE>_TIMEOUT_MINUTES
# Late when not published by KAM_PUBLISH_DEADLINE (UTC); none under `airflow dags test` (kam.config.WITHOUT_DEADLINE).
LATE_AFTER = late_after(SCHEDULED_AT)
NOT_PUBLISHED_IN_TIME = (
    DeadlineAlert(
        reference=DeadlineReference.DAGRUN_LOGICAL_DATE,
        interval=LATE_AFTER,
        callback=AsyncCallback(night_late),
        name="night_not_published",
    )
    if LATE_AFTER
    else None
)


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

One mail per night to `KAM_ALERT_EMAIL` (failed: the failed tasks and checks; published: the
reports), one if it is not published by `KAM_PUBLISH_DEADLINE` (UTC). `publish` updates the
asset `kam://warehouse/reporting`, `export` the asset `kam://exports/segments` (their extra:
`as_of`, `run_id`, `backfill`), on which `kam_workbook_to_sales_ops` runs.
"""

default_args = {
    "owner": "kam",
    "pool": WAREHOUSE_POOL,
    "retries": 0,
    "execution_timeout": TIMEOUTS["default"],
    "on_failure_callback": log_task_failure,  # the task's log only; the night's alert is the DAG's
}

with DAG(
    dag_id=DAG_ID,
    description="Nightly key-account warehouse: extract, dbt build, gate, publish, export",
    schedule=f"{SCHEDULED_AT.minute} {SCHEDULED_AT.hour} * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    on_failure_callback=night_failed,
    on_success_callback=night_published,
    deadline=NOT_PUBLISHED_IN_TIME,
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
        execution_timeout=TIMEOUTS["plan"],
        doc_md="Validates the params, settles an interrupted publication, decides nightly or backfill; "
        "the plan goes to XCom for every later task.",
    )
    extract_retry = {
        "retries": EXTRACT_RETRIES,
        "retry_delay": timedelta(seconds=EXTRACT_RETRY_DELAY_SECONDS),
        "execution_timeout": TIMEOUTS["extract"],
    }
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
        execution_timeout=TIMEOUTS["dbt_build"],
        doc_md="`dbt build` of the whole project (unit tests excluded: `make test` runs them); "
        "failed nodes to XCom `dbt_failures` for the gate.",
    )

    gate = KamGateOperator(
        task_id="gate",
        dbt_task_id=DBT_TASK_ID,
        extract_task_ids=EXTRACT_TASK_IDS,
        execution_timeout=TIMEOUTS["gate"],
        doc_md="The data-quality gate; blocked = nothing published, run recorded, task failed.",
    )
    publish = KamPublishOperator(
        task_id="publish",
        gate_task_id="gate",
        extract_task_ids=EXTRACT_TASK_IDS,
        outlets=[REPORTING],
        execution_timeout=TIMEOUTS["publish"],
        doc_md="One transaction replaces `reporting.*`; then the reporting DB snapshot.",
    )
    export = KamExportOperator(
        task_id="export",
        outlets=[EXPORTS],
        execution_timeout=TIMEOUTS["export"],
        doc_md="`<export dir>/<D>/`: CSVs, workbook, manifest.",
    )

    docs = KamDocsOperator(
        task_id="docs",
        doc_md="The dbt docs site `<KAM_HOME>/docs/index.html` (Browse > dbt Docs); skipped, never failed, "
        "when it cannot be built.",
    )

    chain(plan, [extract_erp, extract_crm], dbt_build, gate, publish, [export, docs])
