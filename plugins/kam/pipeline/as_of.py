"""The as-of rule: which date D a run computes. The only place D is derived.

D is the run's `as_of` param when given, else the day before its logical date in
UTC (the 02:00 UTC run of day X computes X-1). dbt, the gate, alerts and the CLI
take D from here; dbt's var `as_of_date` is always passed explicitly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any


def as_of_date(param: Any = None, logical_date: datetime | None = None) -> date:
    """D: `param` (a date or YYYY-MM-DD) when given, else the UTC day before `logical_date` (default now)."""
    if param:
        if isinstance(param, date) and not isinstance(param, datetime):
            return param
        try:
            return date.fromisoformat(str(param))
        except ValueError as err:
            raise ValueError(f"DAG param as_of must be a date YYYY-MM-DD, got {param!r}") from err
    moment = logical_date or datetime.now(UTC)
    return (moment.astimezone(UTC) - timedelta(days=1)).date()


def as_of_of_run(context: dict[str, Any]) -> date:
    """D of an Airflow run: its param `as_of`, else the day before its logical date (or `run_after`)."""
    param = (context.get("params") or {}).get("as_of")
    moment = context.get("logical_date") or getattr(context.get("dag_run"), "run_after", None)
    return as_of_date(param, moment)
