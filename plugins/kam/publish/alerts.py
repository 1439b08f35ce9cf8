"""Failure alerts: `notify_failure(context)`, the Airflow `on_failure_callback` of every task.

It logs one clear message (DAG, task, run, as-of date, and for a blocked gate
its failed checks and report path, from `kam.pipeline.GateBlocked`), then posts
it as JSON to KAM_ALERT_WEBHOOK and e-mails it to KAM_ALERT_EMAIL (Airflow's
e-mail backend) when configured. It never raises: an alert must not mask the failure.
"""

from __future__ import annotations

import json
import logging
import urllib.request

from kam.config import load_settings
from kam.pipeline import GateBlocked, as_of_of_run

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT_SECONDS = 5


def _get(obj, name, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _as_of(context: dict, exception) -> str | None:
    """D of the failed run: the blocked gate's, else by the as-of rule; None when the context has no run."""
    if isinstance(exception, GateBlocked):
        return exception.as_of.isoformat()
    param = _get(context.get("params"), "as_of")
    if not (param or context.get("logical_date") or context.get("dag_run")):
        return None
    try:
        return as_of_of_run(context).isoformat()
    except ValueError:  # a malformed param: the plan task failed on it, say it as given
        return str(param)


def _check_text(check: dict) -> str:
    """A failed check's brief (`GateResult.failed_checks`): its name, then its numbers."""
    details = ", ".join(f"{k}={v}" for k, v in check.items() if k != "name")
    return f"{check['name']} ({details})" if details else str(check["name"])


def failure_details(context: dict) -> dict:
    """The facts of a failure, from an Airflow callback context."""
    exception = context.get("exception")
    blocked = exception if isinstance(exception, GateBlocked) else None
    ti = context.get("task_instance") or context.get("ti")
    dag = context.get("dag")
    dag_run = context.get("dag_run")
    return {
        "dag_id": _get(dag, "dag_id") or _get(dag_run, "dag_id") or _get(ti, "dag_id"),
        "task_id": _get(ti, "task_id") or _get(context.get("task"), "task_id"),
        "run_id": context.get("run_id") or _get(dag_run, "run_id") or _get(ti, "run_id"),
        "as_of": _as_of(context, exception),
        "failed_checks": blocked.failed_checks if blocked else [],
        "report_path": blocked.report_path if blocked else None,
        "error": f"{type(exception).__name__}: {exception}" if exception is not None else None,
    }


def failure_message(details: dict) -> str:
    """One readable message of a failure."""
    parts = [
        f"KAM pipeline FAILED: DAG {details['dag_id']}, task {details['task_id']}, "
        f"run {details['run_id']}, as-of {details['as_of'] or 'unknown'}."
    ]
    if details["failed_checks"]:
        parts.append(
            "Gate blocked publication; failed checks: "
            + "; ".join(_check_text(c) for c in details["failed_checks"])
            + "."
        )
    if details["report_path"]:
        parts.append(f"Report: {details['report_path']}.")
    if details["error"]:
        parts.append(f"Error: {details['error']}")
    return " ".join(parts)


def post_webhook(url: str, payload: dict) -> bool:
    """POST the payload as JSON; False (logged) on any failure."""
    try:
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, default=str).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read()
        return True
    except Exception as error:  # an alert must never raise
        log.error("alert webhook %s failed: %s", url, error)
        return False


def _airflow_send_email():
    """Airflow's send_email (imported late: plain scripts and tests need no Airflow)."""
    from airflow.utils.email import send_email

    return send_email


def send_alert_email(to: str, subject: str, body: str) -> bool:
    """E-mail through Airflow's configured backend; False (logged) on any failure."""
    try:
        send_email = _airflow_send_email()
        html = "<pre>" + body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</pre>"
        send_email(to=[a.strip() for a in to.split(",") if a.strip()], subject=subject, html_content=html)
        return True
    except Exception as error:  # an alert must never raise
        log.error("alert e-mail to %s failed: %s", to, error)
        return False


def notify_failure(context: dict) -> None:
    """Airflow on_failure_callback: log, then webhook and e-mail when configured. Never raises."""
    try:
        details = failure_details(context or {})
        message = failure_message(details)
    except Exception as error:
        details, message = {}, f"KAM pipeline FAILED (details unavailable: {error})"
    log.error(message)
    try:
        settings = load_settings()
        webhook, email = settings.alert_webhook, settings.alert_email
    except Exception as error:
        log.error("alert settings unreadable: %s", error)
        return
    if webhook:
        post_webhook(webhook, {"text": message, **details})
    if email:
        subject = f"KAM pipeline failed: {details.get('dag_id')} {details.get('task_id')} as-of {details.get('as_of')}"
        send_alert_email(email, subject, message)
