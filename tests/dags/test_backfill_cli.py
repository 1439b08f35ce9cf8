"""`python -m kam.cli.backfill`: nights in order with progress, resuming after published dates, stopping at a failure.

Each night here is a stand-in for `run_night` (the `make run` code path, covered end to
end in tests/e2e) that records the date and writes its `pipeline_runs` row to a real
reporting DB; what is skipped is decided from that DB, as in a real backfill.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

import kam.cli.backfill as backfill_cli
from kam.cli.run_nightly import NightOutcome
from kam.cli.summary import read_summary
from kam.config import load_settings


@pytest.fixture
def home(monkeypatch, tmp_path):
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    for name in (
        "KAM_WAREHOUSE",
        "KAM_WAREHOUSE_CONN_ID",
        "KAM_REPORTING_DB",
        "KAM_REPORTING_DB_CONN_ID",
        "KAM_RUN_LOCK_WAIT_SECONDS",
    ):
        monkeypatch.delenv(name, raising=False)
    con = duckdb.connect(str(tmp_path / "kam_reporting.duckdb"))
    con.execute("create schema reporting")
    con.execute(
        "create table reporting.pipeline_runs (run_id varchar, as_of_date date, "
        "started_at timestamp, finished_at timestamp, status varchar, failed_checks varchar)"
    )
    con.close()
    return tmp_path


def _record(home: Path, as_of: date, status: str, failed: str = "[]") -> None:
    con = duckdb.connect(str(home / "kam_reporting.duckdb"))
    n = con.execute("select count(*) from reporting.pipeline_runs").fetchone()[0]
    con.execute(
        "insert into reporting.pipeline_runs values (?, ?, now(), now() + to_microseconds(?), ?, ?)",
        [f"r{n}", as_of, n, status, failed],
    )
    con.close()


@pytest.fixture
def nights(home, monkeypatch):
    """Stand-in nights: `outcomes[date]` = 'published' (default), 'blocked' or 'failed'."""
    ran: list[tuple[date, dict]] = []
    outcomes: dict[date, str] = {}

    def run_night(settings, as_of, dbt_vars, env, **_progress):
        ran.append((as_of, dbt_vars))
        status = outcomes.get(as_of, "published")
        if status != "failed":
            _record(home, as_of, status, '["class_a_share"]' if status == "blocked" else "[]")
        return NightOutcome(
            as_of,
            0 if status == "published" else 1,
            read_summary(replace(load_settings(), reporting_db=str(home / "kam_reporting.duckdb")), as_of),
            home / "logs" / f"{as_of}.log",
            41.2,
        )

    monkeypatch.setattr(backfill_cli, "run_night", run_night)
    return ran, outcomes


def test_every_night_runs_in_order_with_progress(nights, capsys):
    ran, _ = nights
    assert backfill_cli.main(["--from", "2026-10-10", "--to", "2026-10-12", "--vars", '{"max_row_change": 0.4}']) == 0
    assert ran == [(date(2026, 10, d), {"max_row_change": 0.4}) for d in (10, 11, 12)]
    assert capsys.readouterr().out.splitlines() == [
        "[1/3] 2026-10-10 published in 41 s",
        "[2/3] 2026-10-11 published in 41 s",
        "[3/3] 2026-10-12 published in 41 s",
        "backfill 2026-10-10 .. 2026-10-12: 3 night(s) published",
    ]


def test_it_stops_at_a_blocked_night_and_resumes_there(nights, home, capsys):
    ran, outcomes = nights
    outcomes[date(2026, 10, 11)] = "blocked"
    assert backfill_cli.main(["--from", "2026-10-10", "--to", "2026-10-12"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[:2] == [
        "[1/3] 2026-10-10 published in 41 s",
        f"[2/3] 2026-10-11 BLOCKED (failed checks: class_a_share; log {home / 'logs' / '2026-10-11.log'}) after 41 s",
    ]
    assert err.strip() == (
        "backfill stopped at 2026-10-11: fix it, then run the same command again "
        "(`make backfill FROM=2026-10-11 TO=2026-10-12` resumes there)"
    )
    assert [d for d, _ in ran] == [date(2026, 10, 10), date(2026, 10, 11)]

    del outcomes[date(2026, 10, 11)]  # fixed
    ran.clear()
    assert backfill_cli.main(["--from", "2026-10-10", "--to", "2026-10-12"]) == 0
    assert [d for d, _ in ran] == [date(2026, 10, 11), date(2026, 10, 12)]
    assert capsys.readouterr().out.splitlines()[0] == (
        "[1/3] 2026-10-10 already published, skipped (--rerun runs it again)"
    )


def test_rerun_runs_published_nights_again(nights):
    ran, _ = nights
    assert backfill_cli.main(["--from", "2026-10-10", "--to", "2026-10-11"]) == 0
    ran.clear()
    assert backfill_cli.main(["--from", "2026-10-10", "--to", "2026-10-11", "--rerun"]) == 0
    assert [d for d, _ in ran] == [date(2026, 10, 10), date(2026, 10, 11)]


def test_a_failed_night_is_named_with_its_log(nights, home, capsys):
    _, outcomes = nights
    outcomes[date(2026, 10, 10)] = "failed"
    assert backfill_cli.main(["--from", "2026-10-10", "--to", "2026-10-11"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"[1/2] 2026-10-10 FAILED (airflow exit code 1; log {home / 'logs' / '2026-10-10.log'}) after 41 s"
    )


def test_bad_arguments_are_refused_before_anything_runs(nights, capsys):
    ran, _ = nights
    assert backfill_cli.main(["--from", "2026-10-12", "--to", "2026-10-10"]) == 2
    assert "--from 2026-10-12 is after --to 2026-10-10" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        backfill_cli.main(["--from", "2026-10-10", "--to", "2026-10-12", "--vars", '{"nope": 1}'])
    assert "unknown dbt var 'nope'" in capsys.readouterr().err
    assert ran == []


def test_a_backfill_is_refused_while_another_run_holds_the_warehouse(nights, home, capsys):
    from kam.cli.run_lock import run_lock
    from kam.config import load_settings

    ran, _ = nights
    with run_lock(load_settings(), command="run_nightly", as_of="2026-10-16"):
        assert backfill_cli.main(["--from", "2026-10-10", "--to", "2026-10-12"]) == 75
    assert capsys.readouterr().err.startswith(f"refused: another run holds {home / 'run.lock'} (pid ")
    assert ran == []


def test_on_a_terminal_a_bar_over_the_nights_shows_the_night_and_its_stage(nights, monkeypatch):
    import io

    from kam.cli.progress import NightsBar
    from kam.cli.stage_events import StageEvent

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.setattr(backfill_cli, "NightsBar", lambda total: NightsBar(total, stream=screen))
    shown_during_night: list[str] = []
    stand_in = backfill_cli.run_night

    def run_night(settings, as_of, dbt_vars, env, on_event):
        on_event(StageEvent("dbt_build", "running", 0.0))
        shown_during_night.append(screen.getvalue().rsplit("\r", 1)[-1])
        return stand_in(settings, as_of, dbt_vars, env)

    monkeypatch.setattr(backfill_cli, "run_night", run_night)
    assert backfill_cli.main(["--from", "2026-10-10", "--to", "2026-10-11"]) == 0
    assert [s.split(" nights ")[0].split()[-1] for s in shown_during_night] == ["0/2", "1/2"]
    assert [s.split(", ", 1)[-1].strip() for s in shown_during_night] == [
        "D=2026-10-10 dbt_build]",
        "D=2026-10-11 dbt_build]",
    ]
    screens = screen.getvalue().replace("\r", "\n").splitlines()
    assert "[2/2] 2026-10-11 published in 41 s" in screens
    assert "2/2 nights" in screens[-1]
