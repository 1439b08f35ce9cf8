"""The real Airflow UI in headless Chromium: `make airflow`'s code path in a throwaway KAM_HOME with a small
demo drop, then log in, trigger `kam_nightly` from its params form with an `as_of`, wait until every task
succeeded, and save screenshots (grid, a task log, the night's run report) to var/screenshots/.

Then the downstream DAG `kam_workbook_to_sales_ops` (scheduled on the export asset) must have run exactly
once and succeeded: the in-process SMTP sink behind `smtp_default` got the workbook for sales ops, and the
night's one notification (published) for the data engineers.
One Airflow start, one night; Airflow is stopped in the fixture's teardown, also when the test fails.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from datetime import datetime
from email.message import Message
from pathlib import Path

import pytest

from kam.cli.airflow_env import airflow_env
from kam.cli.airflow_local import live_processes, read_state, start, stop
from kam.config import load_settings
from tests.browser import airflow_pages as ui
from tests.browser.airflow_rest import AirflowRest
from tests.browser.chromium import headless_chromium, missing_reason
from tests.e2e.pipeline_home import REPO, pipeline_env, run_logged
from tests.support.smtp_sink import SmtpSink

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

DAG_ID = "kam_nightly"
DOWNSTREAM_DAG_ID = "kam_workbook_to_sales_ops"
CORE_TASK_IDS = ["plan", "extract_erp", "extract_crm", "dbt_build", "gate", "publish", "export"]
SALES_OPS = "sales-ops@example.com"
DATA_ENGINEERS = "data-engineers@example.com"
DEMO_AS_OF = "2026-10-15"
DEMO_CUSTOMERS = "60"
SCREENSHOTS = REPO / "var" / "screenshots"
PARSE_SECONDS = 180
NIGHT_SECONDS = 1200
DOWNSTREAM_SECONDS = 300
MAIL_SECONDS = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_connection(sink: SmtpSink) -> str:
    extra = {"disable_tls": True, "disable_ssl": True, "from_email": "kam-warehouse@example.com"}
    return json.dumps({"conn_type": "smtp", "host": sink.host, "port": sink.port, "extra": extra})


def mails_by_recipient(sink: SmtpSink) -> dict[str, list[Message]]:
    found: dict[str, list[Message]] = {}
    for message, (_sender, recipients) in zip(sink.messages, sink.envelopes, strict=True):
        for recipient in recipients:
            found.setdefault(recipient, []).append(message)
    return found


def wait_for_mails(sink: SmtpSink, recipients: set[str], timeout: float) -> dict[str, list[Message]]:
    """The sink's messages by recipient once each of `recipients` got one (the night's DAG-level
    notification is sent after the run's state is final), and a moment more for any extra one."""
    deadline = time.monotonic() + timeout
    while not recipients <= mails_by_recipient(sink).keys() and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(5)
    return mails_by_recipient(sink)


def attachments(message: Message) -> list[str]:
    return [part.get_filename() for part in message.walk() if part.get_filename()]


@pytest.fixture(scope="module")
def browser_home(tmp_path_factory):
    """A throwaway KAM_HOME with the demo drop of DEMO_AS_OF, its Airflow running (as `make airflow` starts
    it), the SMTP sink behind `smtp_default`; Airflow stopped afterwards, whatever happened."""
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("browser") / "home"
    base = pipeline_env(home)
    run_logged(
        [sys.executable, "-m", "kam.demo.generate", "--as-of", DEMO_AS_OF, "--customers", DEMO_CUSTOMERS],
        base,
        tmp_path_factory.getbasetemp() / "browser-demo.log",
    )
    with SmtpSink() as sink, pytest.MonkeyPatch.context() as patch:
        patch.setenv("KAM_HOME", str(home))
        settings = load_settings()
        mail = {"AIRFLOW_CONN_SMTP_DEFAULT": smtp_connection(sink), "KAM_SALES_OPS_EMAIL": SALES_OPS}
        # No publish deadline: the test's run takes a slot of the past (see the test), long late by the clock.
        no_deadline = {"KAM_ALERT_EMAIL": DATA_ENGINEERS, "KAM_PUBLISH_DEADLINE": "off"}
        env = airflow_env(settings, base={**base, **mail, **no_deadline})
        airflow_home = Path(env["AIRFLOW_HOME"])
        try:
            instance = start(env, free_port())
            yield settings, instance, sink
        finally:
            components = list((read_state(airflow_home) or {"pids": {}})["pids"].values())
            stop(airflow_home)
            left = live_processes(airflow_home, components)
            assert not left, f"processes left after stop: {left}"


def test_trigger_kam_nightly_in_the_ui(browser_home):
    settings, airflow, sink = browser_home
    rest = AirflowRest(airflow.url, airflow.username, airflow.password)
    dag = rest.wait_for_dag(DAG_ID, PARSE_SECONDS)
    assert rest.get("/importErrors")["total_entries"] == 0, rest.get("/importErrors")
    rest.wait_for_dag(DOWNSTREAM_DAG_ID, PARSE_SECONDS)
    rest.unpause(DOWNSTREAM_DAG_ID)
    # The night's own scheduled slot: the scheduler then creates no second run when the DAG is unpaused.
    logical_date = datetime.fromisoformat(dag["next_dagrun_logical_date"].replace("Z", "+00:00"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    driver = headless_chromium()
    try:
        ui.log_in(driver, airflow.url, airflow.username, airflow.password)
        ui.open_trigger_form(driver, airflow.url, DAG_ID)
        assert {"as_of", "vars"} <= set(ui.field_labels(driver)), ui.field_labels(driver)
        ui.set_logical_date(driver, logical_date)
        ui.submit_trigger(driver, {"as_of": DEMO_AS_OF})
        rest.unpause(DAG_ID)

        [run] = rest.wait_for_finished_runs(DAG_ID, 1, NIGHT_SECONDS)
        assert run["conf"]["as_of"] == DEMO_AS_OF
        task_ids = rest.task_ids(DAG_ID)
        assert set(CORE_TASK_IDS) <= set(task_ids), task_ids
        assert rest.task_states(DAG_ID, run["dag_run_id"]) == dict.fromkeys(task_ids, "success")
        assert run["state"] == "success"

        ui.show_grid(driver, airflow.url, DAG_ID, run["dag_run_id"], task_ids)
        driver.save_screenshot(str(SCREENSHOTS / "grid.png"))
        ui.show_task_log(driver, airflow.url, DAG_ID, run["dag_run_id"], "export", "exported as-of")
        driver.save_screenshot(str(SCREENSHOTS / "task_log.png"))

        report = Path(settings.export_dir) / DEMO_AS_OF / f"kam_run_report_{DEMO_AS_OF}.html"
        assert report.is_file(), f"no run report at {report}"
        driver.get(report.as_uri())
        driver.save_screenshot(str(SCREENSHOTS / "run_report.png"))
    finally:
        driver.quit()

    [downstream_run] = rest.wait_for_finished_runs(DOWNSTREAM_DAG_ID, 1, DOWNSTREAM_SECONDS)
    assert downstream_run["state"] == "success"
    mails = wait_for_mails(sink, {SALES_OPS, DATA_ENGINEERS}, MAIL_SECONDS)
    assert [attachments(message) for message in mails.get(SALES_OPS, [])] == [[f"kam_segments_{DEMO_AS_OF}.xlsx"]]
    assert [message["Subject"] for message in mails.get(DATA_ENGINEERS, [])] == [f"KAM night {DEMO_AS_OF} published"]
    assert len(rest.dag_runs(DOWNSTREAM_DAG_ID)) == 1
