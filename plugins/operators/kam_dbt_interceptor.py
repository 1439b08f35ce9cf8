"""`KamDbtInterceptor`: points every Cosmos dbt task at the configured warehouse and D."""
from __future__ import annotations

import dataclasses
from typing import Any

from operators.kam_operator import KamOperator

# Relative to the project folder dbt runs in (Cosmos's temporary copy).
RUN_LOCAL_DBT_PATHS = {"DBT_TARGET_PATH": "target", "DBT_LOG_PATH": "logs"}


class KamDbtInterceptor:
    """Called by Cosmos right before it builds a dbt command (`operator_args.interceptors`).

    At run time, not parse time, it reads the settings and sets on the operator:
    - `env`: the variables of `kam.dbt_env.profile_env(settings)` (target, DuckDB
      path or PostgreSQL parts, telemetry off), and dbt's target and log paths
      relative (`target`, `logs`), i.e. inside the temporary project copy Cosmos
      runs dbt in, whatever the worker's environment says: the task's
      `run_results.json` is where its callback reads it, and runs never share one;
    - `vars`: `as_of_date` = D (the DAG param `as_of`, else the day before the
      logical date), so every model of a run sees the same date;
    - the profile's target (`duckdb` or `postgres`) to match the warehouse.
    """

    def __call__(self, context: Any, operator: Any) -> None:
        from kam.config import load_settings
        from kam.dbt_env import profile_env

        env = profile_env(load_settings())
        operator.env = {**(operator.env or {}), **env, **RUN_LOCAL_DBT_PATHS}
        operator.vars = {**(operator.vars or {}), "as_of_date": KamOperator.resolve_as_of(context).isoformat()}
        target = env["KAM_DBT_TARGET"]
        if operator.profile_config.target_name != target:
            operator.profile_config = dataclasses.replace(operator.profile_config, target_name=target)
