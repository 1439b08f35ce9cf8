"""`KamDbtInterceptor`: points the Cosmos dbt task at the configured warehouse and the run plan."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

from operators.kam_operator import PLAN_TASK_ID, read_plan

# Relative to the project folder dbt runs in (Cosmos's temporary copy), so the callback
# finds this run's run_results.json and runs never share one.
RUN_LOCAL_DBT_PATHS = {"DBT_TARGET_PATH": "target"}
# Read by plugins/kam/bin/dbt_guarded: the dbt it execs (the one of this interpreter).
REAL_DBT_ENV = "KAM_DBT_EXECUTABLE"
# ... and the process that starts it (this task process): dbt_guarded dies if its parent is another.
DBT_PARENT_ENV = "KAM_DBT_PARENT_PID"
# Cosmos's partial-parse cache, inside the plan mode's dbt folder: Cosmos copies its
# `target/partial_parse.msgpack` into the temporary project before dbt runs and back after.
# dbt's debug log (`logs/dbt.log`) is kept there too, beyond the temporary copy.
COSMOS_CACHE_SUBDIR = "cosmos"


class KamDbtInterceptor:
    """Called by Cosmos right before it builds the dbt command (`interceptors=`), at run time.

    It applies `kam.pipeline.dbt_invocation(settings, plan)`: the profile environment
    and target, D, the plan's dbt vars, and `--full-refresh` for a backfill. Cosmos
    computes its own flags before calling the interceptors, so the flag goes to
    `dbt_cmd_flags` (appended by `build_cmd`) and is never added twice on a retry.
    Cosmos's partial-parse cache (`cache_dir`, None on a plain operator: dbt would parse
    the whole project in every fresh temporary copy) is the mode's, under KAM_HOME.
    """

    def __init__(self, plan_task_id: str = PLAN_TASK_ID) -> None:
        self.plan_task_id = plan_task_id

    def __call__(self, context: Any, operator: Any) -> None:
        from kam import pipeline
        from kam.config import load_settings
        from kam.pipeline.dbt_build import FULL_REFRESH_FLAG

        dbt = pipeline.dbt_invocation(load_settings(), read_plan(context, self.plan_task_id))
        real_dbt = str(Path(sys.executable).with_name("dbt"))
        operator.cache_dir = dbt.work_dir / COSMOS_CACHE_SUBDIR
        operator.env = {
            **(operator.env or {}),
            **dbt.env,
            **RUN_LOCAL_DBT_PATHS,
            "DBT_LOG_PATH": str(operator.cache_dir / "logs"),
            REAL_DBT_ENV: real_dbt,
            DBT_PARENT_ENV: str(os.getpid()),
        }
        operator.vars = {**(operator.vars or {}), **dbt.vars}
        flags = [f for f in (getattr(operator, "dbt_cmd_flags", None) or []) if f != FULL_REFRESH_FLAG]
        if dbt.full_refresh:
            flags.append(FULL_REFRESH_FLAG)
        operator.dbt_cmd_flags = flags
        operator.full_refresh = dbt.full_refresh
        target = dbt.env["KAM_DBT_TARGET"]
        if operator.profile_config.target_name != target:
            operator.profile_config = dataclasses.replace(operator.profile_config, target_name=target)
