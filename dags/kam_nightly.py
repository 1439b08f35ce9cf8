"""The nightly key-account warehouse run: extract, dbt build, quality gate, publish, export.

One DAG, `kam_nightly`, at 02:00 UTC. The as-of date D is the day before the
logical date, or the DAG param `as_of` (YYYY-MM-DD) to run or rerun any date;
the param `vars` (an object) overrides dbt vars (and with them the gate's thresholds)
for one run:

           ┌─▶ extract_erp ─┐
    plan ──┤                ├─▶ dbt_build (Cosmos, one `dbt build` of the project) ─▶ gate ─▶ publish ─▶ export
           └─▶ extract_crm ─┘

- `plan` (`KamPlanOperator`, `kam.run_plan`) runs first: it refuses a bad `vars`
  (unknown name, wrong type, a var the plan sets) naming it, settles a publication
  a kill interrupted, and decides the mode: `nightly`, or `backfill` when D is older
  than the latest extracted as-of date (nothing is read; dbt rebuilds D with
  `--full-refresh` into the `_backfill` schemas; publish leaves the current tables
  on the latest date). Every later task reads that plan from its XCom
  (docs/decisions/0009-nights-reruns-backfills.md).
- Any as-of date runs: `start_date` is 1900-01-01 (with `catchup=False`), so a run
  whose logical date is years back still runs its tasks.
- Extraction retries (`KAM_EXTRACT_RETRIES`, default 2, every
  `KAM_EXTRACT_RETRY_DELAY_SECONDS`, default 120) are for a source that is down; a
  file that cannot be read is recorded and blocks the gate instead.
- dbt runs through `plugins/kam/bin/dbt_guarded`, which makes it die with the task
  process (Cosmos starts dbt in its own session, out of reach of a kill of the task).
- Every task that writes the DuckDB warehouse runs in the pool `kam_warehouse` of
  one slot (DuckDB allows one writing process per file), so the two extractions
  and the dbt build never overlap. `make airflow-db` and `make run` create it.
- dbt runs through astronomer-cosmos: one `DbtBuildLocalOperator` (`ExecutionMode.LOCAL`
  operator, `InvocationMode.SUBPROCESS`, profile `dbt_project/profiles.yml`) builds
  the whole project in one dbt process with the profile's threads: seeds, models
  and their data tests in dependency order, each test right after the last model
  it reads (so `relationships` tests too), nothing downstream of a failed node.
  Its Cosmos `callback` (`operators.dbt_run_results.record_dbt_results`) reads the
  build's `run_results.json` and pushes to XCom `dbt_failures` the failed nodes by
  name (tests, models), then the models dbt skipped because of them as
  `name (skipped)`: the gate's dbt_failures.
  Per-model results are in that task's log and XCom `dbt_status_counts`.
- dbt unit tests are excluded from the nightly build (`--exclude resource_type:unit_test`):
  they prove the SQL on fixed inputs, not the night's data, and do not depend on
  it. `make test` runs every one of them: the integration fixture
  (`tests/integration/conftest.py`) runs a plain `dbt build` of the whole project
  on the worked example and fails on any failure; `tests/dags` checks that the
  nightly build selects every data test.
- Why one build task, not Cosmos's task per node (`DbtTaskGroup`): that ran 31
  tasks of `dbt build --select <node>`, each paying dbt start-up and a full parse
  of the project (5-10 s; the parse cannot be reused across nights: the var
  `as_of_date` changes every night and dbt re-parses everything when vars
  change), one at a time in the one-slot pool: 233 s at 1M order lines against
  ~60 s for the same stages run directly (see "Measured"). In-process dbt
  (`InvocationMode.DBT_RUNNER`) saves only the interpreter start-up per task;
  Cosmos's watcher mode (one producer build plus a sensor per model) is
  experimental and needs the sensors outside the one-slot pool and a triggerer.
  Neither beats one build task; per-model detail is in its log instead of the grid.
- `KamDbtInterceptor` sets, when the dbt task runs, the profile environment of
  `kam.dbt_env.profile_env(settings)` (target duckdb/postgres, warehouse path),
  dbt's target/log paths inside the task's temporary project copy, the plan's dbt
  vars (`as_of_date` = D, `kam_backfill`, `schema_suffix`, the run's `vars`) and
  `--full-refresh` for a backfill.
- `gate` runs whatever happened upstream (`all_done`): the failed dbt nodes (or, if
  the build stopped before running any, `dbt_build` with its state) become
  `dbt_failures` of the gate; a blocked run is recorded in `reporting.pipeline_runs`
  and fails with the failed checks and the report path.

Measured on the 2-CPU VM (whole DAG under `airflow dags test`; other benchmarks
shared the machine, so wall times are noisy), one task per node -> this design:
- demo, `python -m kam.cli.run_nightly --as-of 2026-10-15` in a fresh KAM_HOME
  (incl. demo generation and `airflow db migrate`): 4 min 50 s -> 46 s; the
  `dbt_build` task takes 16 s (19 s with `InvocationMode.DBT_RUNNER`: no gain).
- 1M order lines, `python -m bench.run --scale 1m`: whole DAG 233 s -> 53 s (first
  night), 182 s -> 41 s (next night); the whole benchmark 11 min -> 3 min 55 s.
- `tests/e2e` (two nights on the demo): about 7 min -> 82 s.
- 10M order lines, `python -m bench.run --scale 10m` (with extraction's own
  DuckDB memory limit, `KAM_EXTRACT_MEMORY_LIMIT` = 2GB): whole DAG 338 s -> 142 s
  (first night), 228 s -> 77 s (next night); its peak RSS 4.26 GB -> 2.64 GB.

Nothing here reads settings, connects to a database or imports pandas at parse time.
"""
from __future__ import annotations

import os
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


def parse_time_dbt_target() -> str:
    """The dbt target at parse time; `KamDbtInterceptor` sets the real one at run time."""
    warehouse = os.environ.get("KAM_WAREHOUSE", "")
    return "postgres" if warehouse.startswith(("postgresql://", "postgres://", "postgresql+")) else "duckdb"


DOC_MD = """
### kam_nightly — the key-account warehouse

Every night at 02:00 UTC for **as-of D = the day before** (or the param `as_of`):
the run plan (`plan`: nightly, or backfill for a D older than the latest extracted
night), extraction of the order system and the CRM into `raw.*` (bad rows to
`quarantine.rows`), one `dbt build` of staging → intermediate → marts with their
data tests (dbt unit tests run in `make test`), the data-quality gate, then one atomic publication of the
`reporting.*` tables and the export folder `<export dir>/<D>/`.

A **blocked** run publishes nothing: it records itself in `reporting.pipeline_runs`
with the failed checks, fails the `gate` task, and leaves the report in
`<report dir>/<D>/`. Rerun a date: trigger with `{"as_of": "YYYY-MM-DD"}`;
override dbt vars (and gate thresholds) for one run with
`{"as_of": "YYYY-MM-DD", "vars": {"max_row_change": 0.4}}`.
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
                        "e.g. {\"max_row_change\": 0.4}; they reach dbt and the gate thresholds",
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
        task_id="extract_erp", system="erp", **extract_retry,
        doc_md="Orders, order lines and exchange rates from the order system into `raw.*` (nothing on a backfill).",
    )
    extract_crm = KamExtractOperator(
        task_id="extract_crm", system="crm", **extract_retry,
        doc_md="Accounts, contacts, opportunities, activities, cases and surveys from the CRM into `raw.*` "
               "(nothing on a backfill).",
    )

    dbt_build = DbtBuildLocalOperator(
        task_id=DBT_TASK_ID,
        project_dir=str(DBT_PROJECT_DIR),
        profile_config=ProfileConfig(
            profile_name="kam_warehouse",
            target_name=parse_time_dbt_target(),
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
        task_id="gate", dbt_task_id=DBT_TASK_ID, extract_task_ids=EXTRACT_TASK_IDS,
        doc_md="The data-quality gate; blocked = nothing published, run recorded, task failed.",
    )
    publish = KamPublishOperator(
        task_id="publish", gate_task_id="gate", extract_task_ids=EXTRACT_TASK_IDS,
        doc_md="One transaction replaces `reporting.*`; then the reporting DB snapshot.",
    )
    export = KamExportOperator(task_id="export", doc_md="`<export dir>/<D>/`: CSVs, workbook, manifest.")

    chain(plan, [extract_erp, extract_crm], dbt_build, gate, publish, export)
