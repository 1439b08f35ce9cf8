"""The nightly key-account warehouse run: extract, dbt build, quality gate, publish, export.

One DAG, `kam_nightly`, at 02:00 UTC. The as-of date D is the day before the
logical date, or the DAG param `as_of` (YYYY-MM-DD) to run or rerun any date:

    extract_erp ─┐
                 ├─▶ dbt (Cosmos, one task per seed/model) ─▶ gate ─▶ publish ─▶ export
    extract_crm ─┘        (then dbt.relationship_tests)

- Every task that writes the DuckDB warehouse runs in the pool `kam_warehouse` of
  one slot (DuckDB allows one writing process per file), so the two extractions
  and the dbt tasks never overlap. `make airflow-db` and `make run` create it.
- dbt runs through astronomer-cosmos (`DbtTaskGroup`, `ExecutionMode.LOCAL`,
  `InvocationMode.SUBPROCESS`, profile `dbt_project/profiles.yml`).
  `LoadMode.CUSTOM` renders the graph from the project files (refs in the SQL,
  seed CSVs) without running dbt: `dbt ls` would take seconds at every parse and a
  manifest would have to be built and kept fresh beside the code. Because that
  parser does not see tests declared under `data_tests:`/`unit_tests:`,
  `TestBehavior.BUILD` runs each node as `dbt build --select <node>`: its unit
  tests, the model, then its data tests, before anything downstream starts.
  Indirect selection `buildable`: a test over several models runs with the last
  of them to be built, never against a model not built yet. `relationships`
  tests may join models with no dbt path between them (no "last" one), so they
  are excluded from the per-node builds and run once in `dbt.relationship_tests`
  after every model; `tests/dags` proves every dbt test runs somewhere.
  `tests/dags/test_dag_integrity.py` checks the rendered graph against `dbt ls`.
- `KamDbtInterceptor` sets, when a dbt task runs, the profile environment of
  `kam.dbt_env.profile_env(settings)` (target duckdb/postgres, warehouse path)
  and the dbt var `as_of_date` = D.
- `gate` runs whatever happened upstream (`all_done`): failed or skipped dbt
  tasks become `dbt_failures` of the gate; a blocked run is recorded in
  `reporting.pipeline_runs` and fails with the failed checks and the report path.

Nothing here reads settings, connects to a database or imports pandas at parse time.
"""
from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from airflow.sdk import DAG, Param, chain
from cosmos import (
    DbtTaskGroup,
    ExecutionConfig,
    ExecutionMode,
    InvocationMode,
    LoadMode,
    ProfileConfig,
    ProjectConfig,
    RenderConfig,
    TestBehavior,
    TestIndirectSelection,
)
from cosmos.operators.local import DbtTestLocalOperator
from kam.config import DBT_PROJECT_DIR
from operators import (
    KamDbtInterceptor,
    KamExportOperator,
    KamExtractOperator,
    KamGateOperator,
    KamPublishOperator,
)

DAG_ID = "kam_nightly"
WAREHOUSE_POOL = "kam_warehouse"
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
EXTRACT_TASK_IDS = ("extract_erp", "extract_crm")
# Tests over two models run once, after the whole graph is built (see the docstring).
RELATIONSHIP_TESTS = ["test_name:relationships"]


def notify_failure(context):
    """on_failure_callback: `kam.publish.alerts.notify_failure`, imported when a task fails."""
    from kam.publish.alerts import notify_failure as notify

    notify(context)


def use_libyaml_in_cosmos_parser() -> None:
    """Let Cosmos's custom parser read the model YAML files with libyaml.

    It calls pure-Python `yaml.safe_load` on every model YAML file, which is most of
    this DAG's parse time; libyaml's `CSafeLoader` builds the same data about ten
    times faster. Only that parser module's `yaml` name is replaced.
    """
    import yaml
    from cosmos.dbt.parser import project

    if getattr(yaml, "CSafeLoader", None) is not None and project.yaml is yaml:
        project.yaml = SimpleNamespace(safe_load=lambda stream: yaml.load(stream, Loader=yaml.CSafeLoader))


def parse_time_dbt_target() -> str:
    """The dbt target for rendering; `KamDbtInterceptor` sets the real one at run time."""
    warehouse = os.environ.get("KAM_WAREHOUSE", "")
    return "postgres" if warehouse.startswith(("postgresql://", "postgres://", "postgresql+")) else "duckdb"


DOC_MD = """
### kam_nightly — the key-account warehouse

Every night at 02:00 UTC for **as-of D = the day before** (or the param `as_of`):
extraction of the order system and the CRM into `raw.*` (bad rows to
`quarantine.rows`), `dbt build` of staging → intermediate → marts with unit and
data tests, the data-quality gate, then one atomic publication of the
`reporting.*` tables and the export folder `<export dir>/<D>/`.

A **blocked** run publishes nothing: it records itself in `reporting.pipeline_runs`
with the failed checks, fails the `gate` task, and leaves the report in
`<report dir>/<D>/`. Rerun a date: trigger with `{"as_of": "YYYY-MM-DD"}`.
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
    start_date=datetime(2026, 1, 1),
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
    },
    tags=["kam", "warehouse", "dbt", "nightly"],
    doc_md=DOC_MD,
) as dag:
    extract_erp = KamExtractOperator(
        task_id="extract_erp", system="erp", retries=2, retry_delay=timedelta(minutes=2),
        doc_md="Orders, order lines and exchange rates from the order system into `raw.*`.",
    )
    extract_crm = KamExtractOperator(
        task_id="extract_crm", system="crm", retries=2, retry_delay=timedelta(minutes=2),
        doc_md="Accounts, contacts, opportunities, activities, cases and surveys from the CRM into `raw.*`.",
    )

    profile_config = ProfileConfig(
        profile_name="kam_warehouse",
        target_name=parse_time_dbt_target(),
        profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml",
    )
    dbt_task_args = {
        "pool": WAREHOUSE_POOL,
        "append_env": True,
        "install_deps": False,
        "emit_datasets": False,
        "interceptors": [KamDbtInterceptor()],
    }
    use_libyaml_in_cosmos_parser()
    dbt = DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(dbt_project_path=DBT_PROJECT_DIR, install_dbt_deps=False),
        profile_config=profile_config,
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=DBT_EXECUTABLE,
            test_indirect_selection=TestIndirectSelection.BUILDABLE,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.CUSTOM,
            test_behavior=TestBehavior.BUILD,
            emit_datasets=False,
        ),
        operator_args={**dbt_task_args, "exclude": RELATIONSHIP_TESTS},
    )
    dbt_models = list(dbt.get_leaves())
    relationship_tests = DbtTestLocalOperator(
        task_id="relationship_tests",
        task_group=dbt,
        select=RELATIONSHIP_TESTS,
        project_dir=str(DBT_PROJECT_DIR),
        profile_config=profile_config,
        invocation_mode=InvocationMode.SUBPROCESS,
        dbt_executable_path=DBT_EXECUTABLE,
        doc_md="Every `relationships` test, once all models are built (they span two models).",
        **dbt_task_args,
    )
    dbt_models >> relationship_tests

    gate = KamGateOperator(
        task_id="gate", dbt_group_id="dbt", extract_task_ids=EXTRACT_TASK_IDS,
        doc_md="The data-quality gate; blocked = nothing published, run recorded, task failed.",
    )
    publish = KamPublishOperator(
        task_id="publish", gate_task_id="gate", extract_task_ids=EXTRACT_TASK_IDS,
        doc_md="One transaction replaces `reporting.*`; then the reporting DB snapshot.",
    )
    export = KamExportOperator(task_id="export", doc_md="`<export dir>/<D>/`: CSVs, workbook, manifest.")

    chain([extract_erp, extract_crm], dbt, gate, publish, export)
