"""The night's alerts (`kam.publish.alerts`): one mail per night through the SMTP provider's
notifier into a local SMTP sink, the task failure's log line, nothing sent without recipients,
never an exception.

The task states Airflow would give come from a double of `night_facts.run_task_states`
(tests/e2e/test_kam_nightly.py runs real nights and reads them from Airflow); the gate's
verdict and the files are real files where the pipeline writes them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from datetime import UTC, date, datetime

import pytest

from kam.config import load_settings
from kam.pipeline import GateBlocked
from kam.publish import alerts, night_facts
from kam.quality.report import report_folder
from tests.support.smtp_sink import SmtpSink, mail_env

REPORT = "/var/kam/reports/2026-11-21/gate.html"
AS_OF = "2026-11-21"
RUN_ID = "scheduled__2026-11-22T02:00:00+00:00"
TASKS = ["plan", "extract_erp", "extract_crm", "dbt_build", "gate", "publish", "export"]
FAILED_CHECKS = [
    {"name": "row_count_change", "observed": 0.857, "threshold": 0.25},
    {"name": "freshness", "observed": 73.5, "threshold": 36},
]


def gate_blocked() -> GateBlocked:
    """What `kam.pipeline.block_if_failed` raises for a night whose gate failed two checks."""
    return GateBlocked(date(2026, 11, 21), FAILED_CHECKS, REPORT)


def _dag():
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.sdk import DAG

    with DAG("kam_nightly", schedule=None) as dag:
        for task_id in TASKS:
            EmptyOperator(task_id=task_id)
    return dag


def _context(exception=None, **more):
    return {
        "dag": _dag(),
        "ti": type("TI", (), {"task_id": "gate", "dag_id": "kam_nightly"})(),
        "run_id": RUN_ID,
        "logical_date": datetime(2026, 11, 22, 2, 0, tzinfo=UTC),
        "params": {"as_of": None},
        "exception": exception,
        **more,
    }


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    for name in ("KAM_ALERT_EMAIL", "KAM_REPORT_DIR", "KAM_EXPORT_DIR", "KAM_SMTP_CONN_ID", "KAM_ALERT_FROM"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def sink(home, monkeypatch):
    with SmtpSink() as sink:
        for name, value in mail_env(sink).items():
            monkeypatch.setenv(name, value)
        yield sink


@pytest.fixture
def states(monkeypatch):
    """The task states of the run as Airflow would report them (set by each test)."""
    found = {}
    monkeypatch.setattr(night_facts, "run_task_states", lambda dag_id, run_id: found)
    return found


def _html(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return part.get_payload(decode=True).decode("utf-8")


def _blocked_gate_on_disk() -> str:
    """The gate's verdict and report of RUN_ID where the gate writes them; the report's URI."""
    folder = report_folder(load_settings().report_dir, AS_OF, RUN_ID)
    folder.mkdir(parents=True)
    (folder / "gate_result.json").write_text(json.dumps({"passed": False, "failed_checks": FAILED_CHECKS}))
    (folder / "gate_report.html").write_text("<html></html>")
    return (folder / "gate_report.html").resolve().as_uri()


def _export_folder_of(run_id: str):
    """D's export folder as the run `run_id` left it: manifest, workbook, run report."""
    folder = load_settings().export_dir / AS_OF
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"as_of_date": AS_OF, "run_id": run_id}))
    for name in (f"kam_segments_{AS_OF}.xlsx", f"kam_run_report_{AS_OF}.html"):
        (folder / name).write_text("x")
    return folder


def test_a_blocked_night_mails_one_alert_with_failed_tasks_checks_and_report(sink, states):
    states.update(dict.fromkeys(TASKS[:4], "success") | {"gate": "failed"})
    states.update(publish="upstream_failed", export="upstream_failed")
    report_uri = _blocked_gate_on_disk()
    _export_folder_of("an_earlier_run")  # D published before: not this night's files, not linked
    alerts.night_failed(_context())
    [mail] = sink.messages
    assert mail["Subject"] == f"KAM night {AS_OF} FAILED: gate blocked publication"
    assert (mail["From"], mail["To"]) == ("kam@example.com", "data@example.com")
    assert _html(mail) == (
        '<html><body style="font-family: sans-serif"><h2>KAM night 2026-11-21: FAILED</h2>'
        f"<p>DAG <code>kam_nightly</code>, run <code>{RUN_ID}</code>.</p>"
        "<p>Failed tasks: <code>gate</code>.</p>"
        "<p>Not run, an upstream task failed: <code>publish</code>, <code>export</code>.</p>"
        "<p>The data-quality gate blocked publication; failed checks:</p>"
        "<ul><li>row_count_change (observed=0.857, threshold=0.25)</li><li>freshness (observed=73.5, threshold=36)</li></ul>"
        f'<p>Reports:</p><ul><li>gate report: <a href="{report_uri}">{report_uri}</a></li></ul></body></html>'
    )


def test_a_failed_build_and_gate_are_one_alert_naming_both(sink, states):
    states.update(dict.fromkeys(TASKS[:3], "success") | {"dbt_build": "failed", "gate": "failed"})
    states.update(publish="upstream_failed", export="upstream_failed")
    alerts.night_failed(_context())
    [mail] = sink.messages
    assert mail["Subject"] == f"KAM night {AS_OF} FAILED: dbt_build, gate"
    assert "<p>Failed tasks: <code>dbt_build</code>, <code>gate</code>.</p>" in _html(mail)


def test_a_published_night_mails_where_its_reports_and_workbook_are(sink, states):
    states.update(dict.fromkeys(TASKS, "success"))
    report_uri = _blocked_gate_on_disk()
    folder = _export_folder_of(RUN_ID)
    alerts.night_published(_context())
    [mail] = sink.messages
    assert mail["Subject"] == f"KAM night {AS_OF} published"
    run_report, workbook = (
        (folder / f"kam_run_report_{AS_OF}.html").resolve().as_uri(),
        (folder / f"kam_segments_{AS_OF}.xlsx").resolve().as_uri(),
    )
    assert _html(mail).endswith(
        f'<p>Reports:</p><ul><li>run report: <a href="{run_report}">{run_report}</a></li>'
        f'<li>gate report: <a href="{report_uri}">{report_uri}</a></li>'
        f'<li>workbook: <a href="{workbook}">{workbook}</a></li></ul></body></html>'
    )
    assert "Failed tasks" not in _html(mail)


def test_without_recipients_nothing_is_sent_and_that_is_logged(sink, states, monkeypatch, caplog):
    monkeypatch.delenv("KAM_ALERT_EMAIL")
    with caplog.at_level(logging.INFO, logger="kam.publish.alerts"):
        alerts.night_failed(_context())
    assert sink.messages == []
    assert "night failed: no alert configured (KAM_ALERT_EMAIL is not set), nothing sent" in caplog.messages


def test_an_unreachable_smtp_server_is_logged_not_raised(home, states, monkeypatch, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with SmtpSink() as gone:
        environment = mail_env(gone)
    for name, value in environment.items():
        monkeypatch.setenv(name, value.replace(f'"port": {gone.port}', f'"port": {port}'))
    with caplog.at_level(logging.ERROR, logger="kam.publish.alerts"):
        alerts.night_failed(_context())
    assert any(m.startswith("night alert (failed) not sent: ") for m in caplog.messages), caplog.messages


def _late_context(state: str, run_type: str = "scheduled") -> dict:
    """What the scheduler hands a missed deadline's callback: the run as JSON, the deadline."""
    dag_run = {"dag_id": "kam_nightly", "dag_run_id": RUN_ID, "logical_date": "2026-11-22T02:00:00Z"}
    dag_run.update(conf={}, state=state, run_type=run_type)
    return {"dag_run": dag_run, "deadline": {"id": "1", "deadline_time": "2026-11-22T07:00:00+00:00"}}


def test_a_night_not_published_by_its_deadline_mails_one_late_alert(sink):
    asyncio.run(alerts.night_late(_late_context("running")))
    [mail] = sink.messages
    assert mail["Subject"] == f"KAM night {AS_OF} LATE: not published by 2026-11-22 07:00 UTC"
    assert "<p>The night is not published by 2026-11-22 07:00 UTC (run state: running).</p>" in _html(mail)


def test_a_failed_or_backfill_run_past_its_deadline_gets_no_late_alert(sink):
    asyncio.run(alerts.night_late(_late_context("failed")))  # its failure alert was sent
    asyncio.run(alerts.night_late(_late_context("running", run_type="backfill")))
    assert sink.messages == []


def test_the_task_failure_line_names_dag_task_as_of_checks_and_report(caplog):
    with caplog.at_level(logging.ERROR, logger="kam.publish.alerts"):
        alerts.log_task_failure(_context(gate_blocked()))
    [record] = caplog.records
    assert record.getMessage() == (
        f"KAM pipeline FAILED: DAG kam_nightly, task gate, run {RUN_ID}, "
        "as-of 2026-11-21. Gate blocked publication; failed checks: row_count_change (observed=0.857, "
        "threshold=0.25); freshness (observed=73.5, threshold=36). Report: /var/kam/reports/2026-11-21/gate.html. "
        "Error: GateBlocked: data-quality gate blocked publication for as-of 2026-11-21: failed checks: "
        "row_count_change, freshness; report: /var/kam/reports/2026-11-21/gate.html"
    )


def test_an_explicit_as_of_wins_over_the_logical_date():
    details = alerts.failure_details({**_context(RuntimeError("dbt failed")), "params": {"as_of": "2026-11-01"}})
    assert (details["as_of"], details["failed_checks"], details["report_path"]) == ("2026-11-01", [], None)


def test_a_context_without_anything_still_logs(caplog):
    with caplog.at_level(logging.ERROR, logger="kam.publish.alerts"):
        alerts.log_task_failure({})
    assert caplog.records[0].getMessage().startswith("KAM pipeline FAILED: DAG None")
