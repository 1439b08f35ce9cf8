"""The Airflow listener behind `make run`'s stage lines: each task's start and end, with its counts, as JSON lines.

Registered by `plugins/kam_stage_events_plugin.py`; it runs in the process that runs the task and
writes one line per event to the file named by `KAM_STAGE_EVENTS_FILE` (set by `kam.cli.run_nightly`;
unset, e.g. under a scheduler, it does nothing). The counts come from the task's XCom (docs/decisions/0026).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from airflow.listeners import hookimpl

from kam.cli.stage_events import EVENTS_FILE_ENV

DBT_STATUS_COUNTS_KEY = "dbt_status_counts"  # operators.dbt_run_results (not imported: the listener stays light)
ERROR_CHARS = 300

log = logging.getLogger(__name__)


def stage_counts(value: Any, dbt_status_counts: dict[str, int] | None = None) -> dict[str, Any]:
    """What a stage's XCom says in a few numbers, by its shape: extraction, dbt build, gate, publish, export, plan."""
    if isinstance(value, dict) and "objects" in value:
        objects = value["objects"].values()
        return {
            "rows_loaded": sum(int(o.get("rows_loaded") or 0) for o in objects),
            "rows_quarantined": sum(int(o.get("rows_quarantined") or 0) for o in objects),
            "objects": len(value["objects"]),
        }
    if isinstance(value, dict) and value.get("read") is False:
        return {"read": False}
    if isinstance(value, dict) and "checks" in value:
        return {
            "checks": len(value["checks"]),
            "failed": len(value.get("failed_checks") or []),
            "warnings": len(value.get("warnings") or []),
        }
    if isinstance(value, dict) and "row_counts" in value:
        return {"tables": len(value["row_counts"]), "rows": sum(value["row_counts"].values())}
    if isinstance(value, dict) and "candidates_schema" in value:
        return {"mode": value.get("mode"), "vars": len(value.get("vars") or {})}
    if isinstance(value, str) and Path(value).is_dir():
        return {"files": sum(1 for p in Path(value).iterdir() if p.is_file())}
    if dbt_status_counts:
        return {"dbt": dict(dbt_status_counts)}
    return {}


def _write(event: dict[str, Any]) -> None:
    path = os.environ.get(EVENTS_FILE_ENV)
    if not path:
        return
    line = json.dumps({"at": time.time(), **event}, default=str) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())  # one write of one line: the follower never sees half an event
    finally:
        os.close(fd)


def _counts_of(task_instance: Any) -> dict[str, Any]:
    value = task_instance.xcom_pull(task_ids=task_instance.task_id)
    dbt = (
        None
        if value is not None
        else task_instance.xcom_pull(task_ids=task_instance.task_id, key=DBT_STATUS_COUNTS_KEY)
    )
    return stage_counts(value, dbt)


def _error_of(error: Any) -> dict[str, Any]:
    if error is None:
        return {}
    text = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error)
    found: dict[str, Any] = {"error": text.splitlines()[0][:ERROR_CHARS] if text else ""}
    checks = getattr(error, "failed_checks", None)
    if checks is not None:
        found["failed_checks"] = [str(c.get("name", c)) if isinstance(c, dict) else str(c) for c in checks]
    return found


def _only_when_followed(hook: Callable[..., None]) -> Callable[..., None]:
    """Run `hook` only when a CLI follows the run; never raise (pluggy would skip the other listeners)."""

    @functools.wraps(hook)
    def guarded(*args: Any, **kwargs: Any) -> None:
        if not os.environ.get(EVENTS_FILE_ENV):
            return
        try:
            hook(*args, **kwargs)
        except Exception:
            log.warning("kam stage event not written (%s)", hook.__name__, exc_info=True)

    return guarded


@hookimpl
@_only_when_followed
def on_task_instance_running(previous_state: Any, task_instance: Any) -> None:
    _write({"task": task_instance.task_id, "event": "running"})


@hookimpl
@_only_when_followed
def on_task_instance_success(previous_state: Any, task_instance: Any) -> None:
    _write({"task": task_instance.task_id, "event": "success", "counts": _counts_of(task_instance)})


@hookimpl
@_only_when_followed
def on_task_instance_failed(previous_state: Any, task_instance: Any, error: Any) -> None:
    state = str(getattr(getattr(task_instance, "state", None), "value", getattr(task_instance, "state", "")))
    event = "up_for_retry" if state == "up_for_retry" else "failed"
    _write({"task": task_instance.task_id, "event": event, **_error_of(error)})


@hookimpl
@_only_when_followed
def on_task_instance_skipped(previous_state: Any, task_instance: Any) -> None:
    _write({"task": task_instance.task_id, "event": "skipped"})
