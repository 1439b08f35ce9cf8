"""What `make run` prints per stage, and what the listener behind it writes: exact lines from exact events.

The XCom values below are the shapes the tasks of `kam_nightly` return (taken from a demo night).
"""

from __future__ import annotations

import io
import json
import time
from datetime import date

import pytest

from kam.cli.progress import NightsBar, StageLines, clock, counts_text, stage_line, use_colour
from kam.cli.stage_events import EVENTS_FILE_ENV, POLL_SECONDS, StageEvent, events_path_of, follow_events

T0 = 1_800_000_000.0

EXTRACT_ERP = {
    "run_id": "r1",
    "as_of": "2026-10-15",
    "mode": "nightly",
    "objects": {
        "orders": {"rows_read": 1865, "rows_loaded": 1862, "rows_quarantined": 3},
        "order_lines": {"rows_read": 4363, "rows_loaded": 4357, "rows_quarantined": 6},
        "fx_rates": {"rows_read": 144, "rows_loaded": 144, "rows_quarantined": 0},
    },
    "task_started_at": "2026-12-01T19:54:28.575791+00:00",
}
GATE_VERDICT = {
    "passed": True,
    "failed_checks": [],
    "warnings": [{"name": "orders_unknown_customer"}, {"name": "orders_without_rate"}],
    "checks": [{"name": f"check_{n}", "passed": True} for n in range(15)],
}
PUBLISHED = {"status": "published", "row_counts": {"customer_segments": 58, "key_accounts": 17, "kam_workload": 9}}
PLAN = {"as_of": "2026-10-15", "mode": "backfill", "candidates_schema": "marts_backfill", "vars": {"max_row_change": 1}}


@pytest.fixture(scope="module")
def listener():
    from kam.cli import stage_listener

    return stage_listener


def test_each_stage_says_its_counts_in_words(listener, tmp_path):
    (tmp_path / "a.csv").write_text("x")
    (tmp_path / "b.xlsx").write_text("x")
    (tmp_path / "sub").mkdir()
    counts = listener.stage_counts
    assert counts_text(counts(EXTRACT_ERP)) == "6363 rows loaded, 9 quarantined (3 objects)"
    assert counts_text(counts({"system": "crm", "mode": "backfill", "read": False})) == "nothing read (backfill)"
    dbt = {"no-op": 2, "pass": 253, "success": 33, "warn": 3, "fail": 1, "partial success": 4}
    assert (
        counts_text(counts(None, dbt)) == "33 built, 253 tests passed, 3 warned, 1 failed, 2 no-op, 4 partial success"
    )
    assert counts_text(counts(GATE_VERDICT)) == "15 checks, 15 passed, 0 failed (2 warnings)"
    assert counts_text(counts(PUBLISHED)) == "84 rows in 3 reporting tables"
    assert counts_text(counts(str(tmp_path))) == "2 files"
    assert counts_text(counts(PLAN)) == "backfill, 1 dbt var override(s)"
    assert counts(None, None) == {} and counts_text({}) == ""


def test_stage_lines_name_the_task_its_time_and_counts():
    assert clock(8.9) == "0:08" and clock(754) == "12:34" and clock(3723) == "1:02:03"
    run = StageEvent("extract_erp", "running", T0 + 29.2)
    done = StageEvent(
        "extract_erp", "success", T0 + 30.0, counts={"rows_loaded": 6363, "rows_quarantined": 9, "objects": 3}
    )
    assert stage_line(run, T0, T0 + 29.2) == "[0:29] extract_erp started"
    assert (
        stage_line(done, T0, T0 + 29.2)
        == "[0:30] extract_erp done in 0.8 s: 6363 rows loaded, 9 quarantined (3 objects)"
    )
    blocked = StageEvent(
        "gate", "failed", T0 + 74.5, error="GateBlocked: ...", failed_checks=["class_a_share", "freshness"]
    )
    assert (
        stage_line(blocked, T0, T0 + 67.5)
        == "[1:14] gate        FAILED after 7.0 s: blocked by class_a_share, freshness"
    )
    retry = StageEvent("extract_crm", "up_for_retry", T0 + 3, error="ExtractError: source folder not found: /src/crm")
    assert stage_line(retry, T0, T0 + 2.5) == (
        "[0:03] extract_crm failed, will retry after 0.5 s: ExtractError: source folder not found: /src/crm"
    )
    assert stage_line(StageEvent("publish", "skipped", T0 + 61), T0, None) == "[1:01] publish     skipped"
    assert stage_line(done, T0, T0 + 29.2, colour=True) == (
        "[0:30] extract_erp \033[32mdone\033[0m in 0.8 s: 6363 rows loaded, 9 quarantined (3 objects)"
    )


def test_a_run_prints_one_flushed_line_per_event_timed_from_its_own_start():
    out = io.StringIO()
    lines = StageLines(run_started=T0, stream=out)
    for event in (
        StageEvent("dbt_build", "running", T0 + 30.4),
        StageEvent("dbt_build", "success", T0 + 67.0, counts={"dbt": {"success": 33, "pass": 253}}),
        StageEvent("publish", "running", T0 + 74.0),
        StageEvent("publish", "success", T0 + 74.5, counts={"tables": 9, "rows": 603}),
    ):
        lines.on_event(event)
    assert out.getvalue().splitlines() == [
        "[0:30] dbt_build   started",
        "[1:07] dbt_build   done in 36.6 s: 33 built, 253 tests passed",
        "[1:14] publish     started",
        "[1:14] publish     done in 0.5 s: 603 rows in 9 reporting tables",
    ]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color():
    assert not use_colour(io.StringIO(), {})
    assert use_colour(_Terminal(), {"TERM": "xterm"})
    assert not use_colour(_Terminal(), {"NO_COLOR": "1"})
    assert not use_colour(_Terminal(), {"TERM": "dumb"})


def test_the_follower_hands_on_every_whole_line_in_order_and_skips_what_is_not_an_event(tmp_path):
    path = events_path_of(tmp_path / "kam_nightly_2026-10-15_20261016T020000Z.log")
    assert path == tmp_path / "kam_nightly_2026-10-15_20261016T020000Z.events.jsonl"
    seen: list[StageEvent] = []
    with follow_events(path, seen.append), path.open("a") as events:
        events.write(json.dumps({"at": T0, "task": "plan", "event": "running"}) + "\nnot json\n")
        events.write(json.dumps({"at": T0 + 1, "task": "plan", "event": "success", "counts": {"mode": "nightly"}}))
        events.flush()
        time.sleep(3 * POLL_SECONDS)  # the half line stays unread until its end arrives
        assert [e.event for e in seen] == ["running"]
        events.write("\n")
    assert seen == [
        StageEvent("plan", "running", T0),
        StageEvent("plan", "success", T0 + 1, counts={"mode": "nightly"}),
    ]


class _TaskInstance:
    def __init__(self, task_id, xcoms, state="running"):
        self.task_id, self.xcoms, self.state = task_id, xcoms, state

    def xcom_pull(self, task_ids, key="return_value"):
        return self.xcoms.get((task_ids, key))


def test_the_listener_writes_one_json_line_per_event_only_when_a_cli_follows(listener, monkeypatch, tmp_path):
    from kam.pipeline.publication import GateBlocked

    events = tmp_path / "run.events.jsonl"
    monkeypatch.delenv(EVENTS_FILE_ENV, raising=False)
    listener.on_task_instance_running(None, _TaskInstance("plan", {}))
    assert not events.exists()

    monkeypatch.setenv(EVENTS_FILE_ENV, str(events))
    monkeypatch.setattr(time, "time", lambda: T0)
    dbt = _TaskInstance("dbt_build", {("dbt_build", "dbt_status_counts"): {"success": 33, "pass": 253}})
    listener.on_task_instance_success(None, dbt)
    listener.on_task_instance_success(
        None, _TaskInstance("extract_erp", {("extract_erp", "return_value"): EXTRACT_ERP})
    )
    blocked = GateBlocked("2026-10-15", [{"name": "class_a_share"}, {"name": "freshness"}], "/r/2026-10-15")
    listener.on_task_instance_failed(None, _TaskInstance("gate", {}, state="failed"), blocked)
    retry = _TaskInstance("extract_crm", {}, state="up_for_retry")
    listener.on_task_instance_failed(None, retry, OSError("line one\nline two"))
    listener.on_task_instance_skipped(None, _TaskInstance("export", {}))
    assert [json.loads(line) for line in events.read_text().splitlines()] == [
        {"at": T0, "task": "dbt_build", "event": "success", "counts": {"dbt": {"success": 33, "pass": 253}}},
        {
            "at": T0,
            "task": "extract_erp",
            "event": "success",
            "counts": {"rows_loaded": 6363, "rows_quarantined": 9, "objects": 3},
        },
        {
            "at": T0,
            "task": "gate",
            "event": "failed",
            "error": "GateBlocked: data-quality gate blocked publication for as-of 2026-10-15: "
            "failed checks: class_a_share, freshness; report: /r/2026-10-15",
            "failed_checks": ["class_a_share", "freshness"],
        },
        {"at": T0, "task": "extract_crm", "event": "up_for_retry", "error": "OSError: line one"},
        {"at": T0, "task": "export", "event": "skipped"},
    ]


def test_a_listener_that_cannot_write_never_fails_the_task(listener, monkeypatch, tmp_path):
    monkeypatch.setenv(EVENTS_FILE_ENV, str(tmp_path / "no such folder" / "run.events.jsonl"))
    listener.on_task_instance_running(None, _TaskInstance("plan", {}))  # logged, not raised


def test_the_backfill_bar_counts_nights_and_shows_the_night_and_stage_on_a_terminal():
    tty = _Terminal()
    bar = NightsBar(3, stream=tty, enabled=True)
    bar.at(date(2026, 10, 10))
    bar.write("[1/3] 2026-10-10 already published, skipped (--rerun runs it again)")
    bar.night_skipped()
    bar.stage_listener(date(2026, 10, 11))(StageEvent("dbt_build", "running", T0))
    shown = tty.getvalue()
    assert "0/2 nights" in shown and "D=2026-10-11 dbt_build" in shown
    bar.night_done()
    bar.close()
    screens = tty.getvalue().replace("\r", "\n").splitlines()
    assert "[1/3] 2026-10-10 already published, skipped (--rerun runs it again)" in screens
    assert "1/2 nights" in screens[-1]

    plain = io.StringIO()
    bar = NightsBar(3, stream=plain)
    bar.at(date(2026, 10, 10), "plan")
    bar.write("[1/3] 2026-10-10 published in 41 s")
    bar.night_done()
    bar.close()
    assert plain.getvalue() == "[1/3] 2026-10-10 published in 41 s\n"
