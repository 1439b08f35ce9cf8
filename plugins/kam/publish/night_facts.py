"""What an alert says about a night: its tasks' states, the gate's failed checks, where its reports are.

`night_facts(context, settings)` reads them after the run ended, from the Airflow context
of a DAG-level callback: the task states from Airflow (the execution API in the DAG
processor, the metadata DB under `airflow dags test`, which runs callbacks in its own
process), the gate's verdict from its `gate_result.json`, the reports and the workbook
from disk (only those that exist are linked).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from kam.config import Settings
from kam.pipeline import as_of_of_run


def field_of(obj: Any, name: str, default: Any = None) -> Any:
    """`obj[name]` of a dict, else `obj.name`; `default` when absent (Airflow hands either)."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def as_of_of_context(context: dict) -> str | None:
    """D of the run as YYYY-MM-DD by the as-of rule; the param as given when malformed; None without a run."""
    param = field_of(context.get("params"), "as_of")
    if not (param or context.get("logical_date") or context.get("dag_run")):
        return None
    try:
        return as_of_of_run(context).isoformat()
    except ValueError:  # a malformed param: the plan task failed on it, say it as given
        return str(param)


def run_task_states(dag_id: str, run_id: str) -> dict[str, str]:
    """task id -> state of every task of the run, as text."""
    from airflow.sdk.execution_time import task_runner

    if getattr(task_runner, "SUPERVISOR_COMMS", None) is not None:  # the DAG processor, a task, the triggerer
        states = task_runner.RuntimeTaskInstance.get_task_states(dag_id=dag_id, run_ids=[run_id]).get(run_id, {})
        return {task_id: str(getattr(state, "value", state)) for task_id, state in states.items()}
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(TaskInstance.task_id, TaskInstance.state).filter(
            TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id
        )
        return {task_id: str(getattr(state, "value", state)) for task_id, state in rows}


def check_text(check: dict) -> str:
    """A failed check's brief (`GateResult.failed_checks`): its name, then its numbers."""
    details = ", ".join(f"{k}={v}" for k, v in check.items() if k != "name")
    return f"{check['name']} ({details})" if details else str(check["name"])


def _gate_folder(settings: Settings, as_of: str, run_id: str) -> Path:
    from kam.quality.report import report_folder

    return report_folder(settings.report_dir, as_of, run_id)


def failed_checks(settings: Settings, as_of: str, run_id: str) -> list[dict]:
    """The failed checks of the run's gate verdict; [] when the gate did not judge the run."""
    path = _gate_folder(settings, as_of, run_id) / "gate_result.json"
    return json.loads(path.read_text(encoding="utf-8"))["failed_checks"] if path.exists() else []


def _exported_by(folder: Path, run_id: str) -> bool:
    """Whether the export folder is the run's (its manifest names it): else it is an earlier run's of D."""
    manifest = folder / "manifest.json"
    return manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("run_id") == run_id


def report_links(settings: Settings, as_of: str, run_id: str) -> list[tuple[str, str]]:
    """(label, file URI) of the run's reports and workbook that exist; the export folder's only when
    this run wrote it (a failed night links no earlier night's workbook)."""
    from kam.export.exporter import workbook_name
    from kam.report.run_report import report_name

    day = date.fromisoformat(as_of)
    gate_folder, export_folder = _gate_folder(settings, as_of, run_id), Path(settings.export_dir) / as_of
    run_report = report_name(day)  # in the export folder and beside the gate report
    exported = _exported_by(export_folder, run_id)
    candidates = [
        ("run report", export_folder / run_report, exported),
        ("run report", gate_folder / run_report, True),
        ("gate report", gate_folder / "gate_report.html", True),
        ("workbook", export_folder / workbook_name(day), exported),
    ]
    links, seen = [], set()
    for label, path, of_this_run in candidates:
        if of_this_run and path.exists() and label not in seen:
            links.append((label, path.resolve().as_uri()))
            seen.add(label)
    return links


def night_facts(context: dict, settings: Settings) -> dict[str, Any]:
    """dag_id, run_id, as_of, failed_tasks, not_run_tasks (upstream failed), failed_checks (texts),
    links [(label, URI)] of the run of a DAG-level callback's context."""
    dag, dag_run = context.get("dag"), context.get("dag_run")
    dag_id = field_of(dag, "dag_id") or field_of(dag_run, "dag_id")
    run_id = context.get("run_id") or field_of(dag_run, "run_id")
    as_of = as_of_of_context(context)
    states = run_task_states(dag_id, run_id) if dag_id and run_id else {}
    order = list(field_of(dag, "task_ids") or sorted(states))
    known = as_of is not None and run_id is not None and _is_date(as_of)
    return {
        "dag_id": dag_id,
        "run_id": run_id,
        "as_of": as_of,
        "failed_tasks": [t for t in order if states.get(t) == "failed"],
        "not_run_tasks": [t for t in order if states.get(t) == "upstream_failed"],
        "failed_checks": [check_text(c) for c in failed_checks(settings, as_of, run_id)] if known else [],
        "links": report_links(settings, as_of, run_id) if known else [],
    }


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
        return True
    except ValueError:
        return False
