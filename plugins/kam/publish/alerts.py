"""Alerts of the nightly run, the Airflow way: one mail per night through the SMTP provider's `SmtpNotifier`.

- `night_failed` / `night_published`: the DAG's `on_failure_callback` / `on_success_callback`,
  called once when the run ends: the failed tasks, the gate's failed checks and links to the
  reports and the workbook (`kam.publish.night_facts`).
- `night_late`: the deadline alert's callback (run by the triggerer): not published in time.
- `log_task_failure`: every task's own `on_failure_callback`; it only logs the task's failure
  (with a blocked gate's checks from `kam.pipeline.GateBlocked`): `make run` names causes by it.

Mails go to KAM_ALERT_EMAIL through the Airflow connection KAM_SMTP_CONN_ID (from KAM_ALERT_FROM
or the connection's `from_email`); without KAM_ALERT_EMAIL an alert is only logged. No
callback raises: an alert must not mask the failure.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kam.config import Settings, load_settings
from kam.pipeline import GateBlocked
from kam.publish.night_facts import as_of_of_context, check_text, field_of, night_facts

log = logging.getLogger(__name__)
FAILURE_MARK = "KAM pipeline FAILED:"  # the task failure line; kam.cli.run_nightly finds causes by it
TEMPLATE = Path(__file__).with_name("templates") / "night_alert.html"


def failure_details(context: dict) -> dict:
    """The facts of a task's failure, from its Airflow callback context."""
    exception = context.get("exception")
    blocked = exception if isinstance(exception, GateBlocked) else None
    ti = context.get("task_instance") or context.get("ti")
    dag = context.get("dag")
    dag_run = context.get("dag_run")
    return {
        "dag_id": field_of(dag, "dag_id") or field_of(dag_run, "dag_id") or field_of(ti, "dag_id"),
        "task_id": field_of(ti, "task_id") or field_of(context.get("task"), "task_id"),
        "run_id": context.get("run_id") or field_of(dag_run, "run_id") or field_of(ti, "run_id"),
        "as_of": blocked.as_of.isoformat() if blocked else as_of_of_context(context),
        "failed_checks": blocked.failed_checks if blocked else [],
        "report_path": blocked.report_path if blocked else None,
        "error": f"{type(exception).__name__}: {exception}" if exception is not None else None,
    }


def failure_message(details: dict) -> str:
    """One readable line of a task's failure."""
    parts = [
        f"{FAILURE_MARK} DAG {details['dag_id']}, task {details['task_id']}, "
        f"run {details['run_id']}, as-of {details['as_of'] or 'unknown'}."
    ]
    if details["failed_checks"]:
        parts.append(
            "Gate blocked publication; failed checks: "
            + "; ".join(check_text(c) for c in details["failed_checks"])
            + "."
        )
    if details["report_path"]:
        parts.append(f"Report: {details['report_path']}.")
    if details["error"]:
        parts.append(f"Error: {details['error']}")
    return " ".join(parts)


def log_task_failure(context: dict) -> None:
    """Task on_failure_callback: log the failure in the task's log. Sends nothing; never raises."""
    try:
        log.error(failure_message(failure_details(context or {})))
    except Exception as error:
        log.error("%s details unavailable: %s", FAILURE_MARK, error)


def _subject(facts: dict, outcome: str) -> str:
    night = f"KAM night {facts['as_of'] or '(as-of unknown)'}"
    if outcome == "published":
        return f"{night} published"
    if outcome == "late":
        return f"{night} LATE: not published by {facts['deadline']}"
    cause = "gate blocked publication" if facts["failed_checks"] else ", ".join(facts["failed_tasks"]) or "run"
    return f"{night} FAILED: {cause}"


def _notifier(settings: Settings, subject: str):
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    return SmtpNotifier(
        to=[a.strip() for a in settings.alert_email.split(",") if a.strip()],
        from_email=settings.alert_from,
        subject=subject,
        smtp_conn_id=settings.smtp_conn_id,
        template=str(TEMPLATE),
    )


def _alert_settings(what: str) -> Settings | None:
    """The settings when an alert is configured; None (logged) when not or unreadable."""
    try:
        settings = load_settings()
    except Exception as error:
        log.error("%s: alert settings unreadable, no alert sent: %s", what, error)
        return None
    if not settings.alert_email:
        log.info("%s: no alert configured (KAM_ALERT_EMAIL is not set), nothing sent", what)
        return None
    return settings


def notify_night(context: dict, outcome: str) -> None:
    """Mail the night's `outcome` ("failed" or "published") once; never raises."""
    settings = _alert_settings(f"night {outcome}")
    if settings is None:
        return
    try:
        facts = night_facts(context or {}, settings)
        subject = _subject(facts, outcome)
        log.info("night alert: %s", subject)
        # the template reads only `kam_night`; under `airflow dags test` the context's DAG is a
        # SerializedDAG, which has no template environment for the notifier to render with
        _notifier(settings, subject)({"kam_night": {**facts, "outcome": outcome}})
    except Exception as error:  # an alert must never raise
        log.error("night alert (%s) not sent: %s", outcome, error)


def night_failed(context: dict) -> None:
    """DAG on_failure_callback: one alert for the night, whichever tasks failed."""
    notify_night(context, "failed")


def night_published(context: dict) -> None:
    """DAG on_success_callback: the night is published; where its reports and workbook are."""
    notify_night(context, "published")


def _late_facts(context: dict) -> dict[str, Any]:
    """The facts of a late run from the deadline's context (`dag_run` as JSON, `deadline`)."""
    dag_run = context.get("dag_run") or {}
    logical_date = dag_run.get("logical_date")
    as_of = as_of_of_context(
        {
            "params": dag_run.get("conf") or {},
            "logical_date": datetime.fromisoformat(logical_date) if logical_date else None,
            "dag_run": dag_run or None,
        }
    )
    deadline = (context.get("deadline") or {}).get("deadline_time")
    if isinstance(deadline, str):
        deadline = datetime.fromisoformat(deadline)
    return {
        "dag_id": dag_run.get("dag_id"),
        "run_id": dag_run.get("dag_run_id"),
        "as_of": as_of,
        "state": dag_run.get("state"),
        "run_type": dag_run.get("run_type"),
        "deadline": deadline.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if deadline else "its deadline",
        "failed_tasks": [],
        "not_run_tasks": [],
        "failed_checks": [],
        "links": [],
    }


async def night_late(context: dict | None = None) -> None:
    """Deadline alert callback: the night is not published in time. A run that already failed
    got its failure alert, so it gets no second one. Never raises."""
    settings = _alert_settings("night late")
    if settings is None:
        return
    try:
        facts = _late_facts(context or {})
        if facts["state"] == "failed":
            log.info("night %s missed its deadline after failing: its failure alert was sent", facts["run_id"])
            return
        if facts["run_type"] == "backfill":  # an old night's logical date is long past its deadline
            log.info("backfill run %s is past its logical date's deadline: no alert", facts["run_id"])
            return
        subject = _subject(facts, "late")
        log.warning("night alert: %s", subject)
        notifier = _notifier(settings, subject)
        notifier.context = {"kam_night": {**facts, "outcome": "late"}}
        await notifier
    except Exception as error:  # an alert must never raise
        log.error("night alert (late) not sent: %s", error)
