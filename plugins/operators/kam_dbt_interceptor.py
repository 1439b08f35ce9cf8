"""`KamDbtInterceptor`: points every Cosmos dbt task at the configured warehouse and the run plan."""
from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

from operators.kam_operator import PLAN_TASK_ID, read_plan

# Relative to the project folder dbt runs in (Cosmos's temporary copy).
RUN_LOCAL_DBT_PATHS = {"DBT_TARGET_PATH": "target", "DBT_LOG_PATH": "logs"}
# Read by plugins/kam/bin/dbt_guarded: the dbt it execs (the one of this interpreter).
REAL_DBT_ENV = "KAM_DBT_EXECUTABLE"
# ... and the process that starts it (this task process): dbt_guarded dies if its parent is another.
DBT_PARENT_ENV = "KAM_DBT_PARENT_PID"
FULL_REFRESH_FLAG = "--full-refresh"


class KamDbtInterceptor:
    """Called by Cosmos right before it builds a dbt command (`operator_args.interceptors`).

    At run time, not parse time, it reads the settings and the run plan (XCom of the
    task `plan`) and sets on the operator:
    - `env`: the variables of `kam.dbt_env.profile_env(settings)` (target, DuckDB
      path or PostgreSQL parts, telemetry off), and dbt's target and log paths
      relative (`target`, `logs`), i.e. inside the temporary project copy Cosmos
      runs dbt in, whatever the worker's environment says: the task's
      `run_results.json` is where its callback reads it, and runs never share one;
      and for `dbt_guarded`: `KAM_DBT_EXECUTABLE`, the real dbt it execs, and
      `KAM_DBT_PARENT_PID`, this task process (Cosmos starts dbt from it), so dbt
      also dies when the task died before dbt could ask to die with it;
    - `vars`: the plan's `dbt_vars()`: its per-run overrides, `as_of_date` = D,
      `kam_backfill` and `schema_suffix` (`_backfill` for a backfill);
    - `--full-refresh` for a backfill. Cosmos computes the build's own flags
      (`DbtBuildMixin.add_cmd_flags`, which reads `full_refresh`) in `execute`
      *before* it calls the interceptors, so the flag goes to `dbt_cmd_flags`,
      which `build_cmd` appends afterwards; `full_refresh` is set too, for the record;
    - the profile's target (`duckdb` or `postgres`) to match the warehouse.
    """

    def __init__(self, plan_task_id: str = PLAN_TASK_ID) -> None:
        self.plan_task_id = plan_task_id

    def __call__(self, context: Any, operator: Any) -> None:
        from kam.config import load_settings
        from kam.dbt_env import profile_env

        plan = read_plan(context, self.plan_task_id)
        env = profile_env(load_settings())
        real_dbt = str(Path(sys.executable).with_name("dbt"))
        operator.env = {**(operator.env or {}), **env, **RUN_LOCAL_DBT_PATHS, REAL_DBT_ENV: real_dbt,
                        DBT_PARENT_ENV: str(os.getpid())}
        operator.vars = {**(operator.vars or {}), **plan.dbt_vars()}
        flags = [f for f in (getattr(operator, "dbt_cmd_flags", None) or []) if f != FULL_REFRESH_FLAG]
        if plan.full_refresh:
            flags.append(FULL_REFRESH_FLAG)
        operator.dbt_cmd_flags = flags
        operator.full_refresh = plan.full_refresh
        target = env["KAM_DBT_TARGET"]
        if operator.profile_config.target_name != target:
            operator.profile_config = dataclasses.replace(operator.profile_config, target_name=target)
