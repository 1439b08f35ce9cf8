"""Failure alerts: `notify_failure(context)`, usable as an Airflow `on_failure_callback`.

It always logs one clear message (DAG, task, run, as-of date, the failed checks
when the gate failed, the report path, the error); then, when configured, posts
it as JSON to KAM_ALERT_WEBHOOK (urllib, short timeout) and e-mails it to
KAM_ALERT_EMAIL through Airflow's e-mail backend (its [smtp]/[email] settings).
It never raises: an alert must not mask the failure it reports.

Where the details come from (first found wins):
- as-of date: the exception's `as_of`, `params["as_of"]`, `dag_run.conf["as_of"]`,
  else the day before the run's logical date (the nightly convention);
- failed checks: the exception's `failed_checks` (list), or its `gate_result`
  (dict, as given to kam.publish.record_blocked);
- report path: the exception's `report_path`, else `context["report_path"]`.
"""
from __future__ import annotations

import json
import logging
import urllib.request
from datetime import date, datetime, timedelta

from kam.config import load_settings
from kam.publish.run_record import failed_checks as gate_failed_checks

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT_SECONDS = 5


def _get(obj, name, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _as_of(context: dict, exception) -> str | None:
    for candidate in (_get(exception, "as_of"), _get(context.get("params"), "as_of"),
                      _get(_get(context.get("dag_run"), "conf"), "as_of")):
        if candidate:
            return str(candidate)[:10]
    logical = context.get("logical_date") or _get(context.get("dag_run"), "logical_date")
    if isinstance(logical, datetime):
        return (logical.date() - timedelta(days=1)).isoformat()
    if isinstance(logical, date):
        return (logical - timedelta(days=1)).isoformat()
    return None


def _failed_checks(exception) -> list:
    checks = _get(exception, "failed_checks")
    if checks:
        return list(checks)
    gate_result = _get(exception, "gate_result")
    return gate_failed_checks(gate_result) if isinstance(gate_result, dict) else []


def _check_text(check) -> str:
    if isinstance(check, dict):
        name = check.get("name") or check.get("check") or "check"
        details = ", ".join(f"{k}={v}" for k, v in check.items() if k not in ("name", "check"))
        return f"{name} ({details})" if details else str(name)
    return str(check)


def failure_details(context: dict) -> dict:
    """The facts of a failure, from an Airflow callback context."""
    exception = context.get("exception")
    ti = context.get("task_instance") or context.get("ti")
    dag = context.get("dag")
    dag_run = context.get("dag_run")
    return {
        "dag_id": _get(dag, "dag_id") or _get(dag_run, "dag_id") or _get(ti, "dag_id"),
        "task_id": _get(ti, "task_id") or _get(context.get("task"), "task_id"),
        "run_id": context.get("run_id") or _get(dag_run, "run_id") or _get(ti, "run_id"),
        "as_of": _as_of(context, exception),
        "failed_checks": _failed_checks(exception),
        "report_path": str(_get(exception, "report_path") or context.get("report_path") or "") or None,
        "error": f"{type(exception).__name__}: {exception}" if exception is not None else None,
    }


def failure_message(details: dict) -> str:
    """One readable message of a failure."""
    parts = [f"KAM pipeline FAILED: DAG {details['dag_id']}, task {details['task_id']}, "
             f"run {details['run_id']}, as-of {details['as_of'] or 'unknown'}."]
    if details["failed_checks"]:
        parts.append("Gate blocked publication; failed checks: "
                     + "; ".join(_check_text(c) for c in details["failed_checks"]) + ".")
    if details["report_path"]:
        parts.append(f"Report: {details['report_path']}.")
    if details["error"]:
        parts.append(f"Error: {details['error']}")
    return " ".join(parts)


def post_webhook(url: str, payload: dict) -> bool:
    """POST the payload as JSON; False (logged) on any failure."""
    try:
        request = urllib.request.Request(url, data=json.dumps(payload, default=str).encode("utf-8"),
                                         headers={"Content-Type": "application/json"}, method="POST")
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
