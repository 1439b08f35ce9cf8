"""notify_failure: a clear log message, the webhook and the e-mail when configured, never an exception.

A blocked gate's `kam.pipeline.GateBlocked` gives the as-of date, the failed checks and the report;
tests/integration/test_pipeline_stages.py raises a real one from the gate."""

from __future__ import annotations

import json
import logging
import socket
import threading
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest

from kam.pipeline import GateBlocked
from kam.publish import alerts

REPORT = "/var/kam/reports/2026-11-21/gate.html"


def gate_blocked() -> GateBlocked:
    """What `kam.pipeline.block_if_failed` raises for a night whose gate failed two checks."""
    return GateBlocked(
        date(2026, 11, 21),
        [
            {"name": "row_count_change", "observed": 0.857, "threshold": 0.25},
            {"name": "freshness", "observed": 73.5, "threshold": 36},
        ],
        REPORT,
    )


def _context(exception):
    return {
        "dag": SimpleNamespace(dag_id="kam_nightly"),
        "ti": SimpleNamespace(task_id="gate", dag_id="kam_nightly"),
        "run_id": "scheduled__2026-11-22T02:00:00+00:00",
        "logical_date": datetime(2026, 11, 22, 2, 0, tzinfo=UTC),
        "exception": exception,
    }


@pytest.fixture
def no_alert_targets(monkeypatch):
    monkeypatch.delenv("KAM_ALERT_WEBHOOK", raising=False)
    monkeypatch.delenv("KAM_ALERT_EMAIL", raising=False)


@pytest.fixture
def webhook(monkeypatch):
    """A local HTTP endpoint recording the JSON posted to it."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("KAM_ALERT_WEBHOOK", f"http://127.0.0.1:{server.server_port}/hook")
    yield received
    server.shutdown()


def test_the_log_message_names_dag_task_as_of_checks_and_report(no_alert_targets, caplog):
    with caplog.at_level(logging.ERROR, logger="kam.publish.alerts"):
        alerts.notify_failure(_context(gate_blocked()))
    [record] = caplog.records
    assert record.getMessage() == (
        "KAM pipeline FAILED: DAG kam_nightly, task gate, run scheduled__2026-11-22T02:00:00+00:00, "
        "as-of 2026-11-21. Gate blocked publication; failed checks: row_count_change (observed=0.857, "
        "threshold=0.25); freshness (observed=73.5, threshold=36). Report: /var/kam/reports/2026-11-21/gate.html. "
        "Error: GateBlocked: data-quality gate blocked publication for as-of 2026-11-21: failed checks: "
        "row_count_change, freshness; report: /var/kam/reports/2026-11-21/gate.html"
    )


def test_an_explicit_as_of_wins_over_the_logical_date(no_alert_targets):
    context = {**_context(RuntimeError("dbt failed")), "params": {"as_of": "2026-11-01"}}
    details = alerts.failure_details(context)
    assert details["as_of"] == "2026-11-01"
    assert details["failed_checks"] == [] and details["report_path"] is None


def test_the_webhook_receives_the_details(webhook, monkeypatch):
    monkeypatch.delenv("KAM_ALERT_EMAIL", raising=False)
    alerts.notify_failure(_context(gate_blocked()))
    [payload] = webhook
    assert payload["dag_id"] == "kam_nightly" and payload["task_id"] == "gate"
    assert payload["as_of"] == "2026-11-21"
    assert [c["name"] for c in payload["failed_checks"]] == ["row_count_change", "freshness"]
    assert payload["text"].startswith("KAM pipeline FAILED: DAG kam_nightly")


def test_an_unreachable_webhook_is_logged_not_raised(monkeypatch, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("KAM_ALERT_WEBHOOK", f"http://127.0.0.1:{port}/hook")
    monkeypatch.delenv("KAM_ALERT_EMAIL", raising=False)
    with caplog.at_level(logging.ERROR, logger="kam.publish.alerts"):
        alerts.notify_failure(_context(gate_blocked()))
    assert any("alert webhook" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records)


def test_the_email_goes_through_airflow_and_its_failure_is_swallowed(monkeypatch, caplog):
    monkeypatch.delenv("KAM_ALERT_WEBHOOK", raising=False)
    monkeypatch.setenv("KAM_ALERT_EMAIL", "sales-ops@example.com, data@example.com")
    sent = []
    monkeypatch.setattr(alerts, "_airflow_send_email", lambda: lambda **kw: sent.append(kw))
    alerts.notify_failure(_context(gate_blocked()))
    [mail] = sent
    assert mail["to"] == ["sales-ops@example.com", "data@example.com"]
    assert mail["subject"] == "KAM pipeline failed: kam_nightly gate as-of 2026-11-21"
    assert "row_count_change" in mail["html_content"]

    def broken(**kw):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr(alerts, "_airflow_send_email", lambda: broken)
    with caplog.at_level(logging.ERROR, logger="kam.publish.alerts"):
        alerts.notify_failure(_context(gate_blocked()))
    assert any("alert e-mail" in r.getMessage() and "no SMTP server" in r.getMessage() for r in caplog.records)


def test_a_context_without_anything_still_logs(no_alert_targets, caplog):
    with caplog.at_level(logging.ERROR, logger="kam.publish.alerts"):
        alerts.notify_failure({})
    assert caplog.records[0].getMessage().startswith("KAM pipeline FAILED: DAG None")
