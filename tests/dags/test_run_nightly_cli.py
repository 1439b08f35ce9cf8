"""`python -m kam.cli.run_nightly`: dates, environment, and the summary read from the reporting DB."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from kam.cli.airflow_env import airflow_env
from kam.cli.run_nightly import logical_date_for, main, uses_demo_sources
from kam.cli.summary import read_summary
from kam.config import REPO_ROOT, load_settings


def test_logical_date_is_the_next_day_at_two_utc():
    assert logical_date_for(date(2026, 12, 31)) == datetime(2027, 1, 1, 2, 0, tzinfo=UTC)


def test_bad_as_of_is_refused_with_its_value(capsys):
    with pytest.raises(SystemExit):
        main(["--as-of", "31.12.2026"])
    assert "--as-of must be a date YYYY-MM-DD, got '31.12.2026'" in capsys.readouterr().err


def test_demo_sources_only_when_both_sources_are_the_demo_defaults(monkeypatch, tmp_path):
    for name in ("KAM_ORDERS_SOURCE", "KAM_CRM_SOURCE", "KAM_ORDERS_SOURCE_CONN_ID", "KAM_CRM_SOURCE_CONN_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    settings = load_settings()
    assert uses_demo_sources(settings)
    assert not uses_demo_sources(replace(settings, crm_source=str(tmp_path / "real_crm")))
    assert not uses_demo_sources(replace(settings, orders_source="postgresql://erp/db"))


def test_airflow_env_fills_defaults_but_keeps_what_is_set(tmp_path):
    settings = replace(load_settings(), home=tmp_path)
    env = airflow_env(settings, base={"AIRFLOW_HOME": "/elsewhere", "PYTHONPATH": "/x"})
    assert env["AIRFLOW_HOME"] == "/elsewhere"
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == str(REPO_ROOT / "dags")
    assert env["PYTHONPATH"].split(":") == [str(REPO_ROOT / "plugins"), "/x"]
    assert env["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] == "False"
    assert airflow_env(settings, base={})["AIRFLOW_HOME"] == str(tmp_path / "airflow")


def test_openlineage_events_go_to_a_file_in_kam_home_unless_configured_otherwise(tmp_path):
    import json

    from kam.cli.airflow_env import ensure_lineage_folder

    settings = replace(load_settings(), home=tmp_path / "home")
    env = airflow_env(settings, base={})
    assert json.loads(env["AIRFLOW__OPENLINEAGE__TRANSPORT"]) == {
        "type": "file",
        "log_file_path": str(tmp_path / "home" / "openlineage.jsonl"),
        "append": True,
    }
    assert (env["AIRFLOW__OPENLINEAGE__NAMESPACE"], env["AIRFLOW__OPENLINEAGE__EXECUTE_IN_THREAD"]) == (
        "kam_warehouse",
        "True",
    )
    assert "AIRFLOW__OPENLINEAGE__DISABLED" not in env
    ensure_lineage_folder(env)
    assert (tmp_path / "home").is_dir()
    mine = '{"type": "console"}'
    off = airflow_env(
        settings, base={"AIRFLOW__OPENLINEAGE__DISABLED": "true", "AIRFLOW__OPENLINEAGE__TRANSPORT": mine}
    )
    assert (off["AIRFLOW__OPENLINEAGE__DISABLED"], off["AIRFLOW__OPENLINEAGE__TRANSPORT"]) == ("true", mine)


def _reporting_db(path: Path) -> Path:
    """A reporting DB named like the default one: catalog and schema both `reporting`."""
    con = duckdb.connect(str(path))
    con.execute("create schema reporting")
    con.execute("""create table reporting.reporting.customer_segments as select * from (values
        ('C1', date '2026-10-15', 'A', 800.00, true, 'active'),
        ('C2', date '2026-10-15', 'B', 150.00, false, 'at_risk'),
        ('C3', date '2026-10-15', 'C', 50.00, false, 'lapsed'),
        ('C4', date '2026-10-15', null, 0.00, false, 'lost'),
        ('C5', date '2026-10-15', null, 0.00, false, 'lost'))
        t(customer_id, as_of_date, abc_revenue, revenue_12m, is_key_account, lapse_status)""")
    con.execute("""create table reporting.reporting.pipeline_runs as select * from (values
        ('r1', date '2026-10-15', timestamp '2026-10-16 02:00', timestamp '2026-10-16 02:10', 'published', '[]'),
        ('r2', date '2026-10-15', timestamp '2026-10-16 03:00', timestamp '2026-10-16 03:10', 'blocked',
         '["class_a_share", "freshness"]'),
        ('r0', date '2026-10-14', timestamp '2026-10-15 02:00', timestamp '2026-10-15 02:10', 'published', '[]'))
        t(run_id, as_of_date, started_at, finished_at, status, failed_checks)""")
    con.close()
    return path


def _settings_reading(reporting_db):
    """Settings of a DuckDB warehouse whose published reporting DB is `reporting_db`."""
    return replace(load_settings(), reporting_db=str(reporting_db))


def test_summary_reads_classes_key_accounts_lapses_and_the_latest_run_of_the_date(tmp_path):
    summary = read_summary(_settings_reading(_reporting_db(tmp_path / "reporting.duckdb")), date(2026, 10, 15))
    assert summary.published_as_of == date(2026, 10, 15)
    assert summary.customers == 5 and summary.key_accounts == 1
    assert summary.classes == [("A", 1, 0.8), ("B", 1, 0.15), ("C", 1, 0.05), ("unclassified", 2, 0.0)]
    assert summary.lapse_counts == {"active": 1, "at_risk": 1, "lapsed": 1, "lost": 2}
    assert summary.run["run_id"] == "r2"
    assert summary.status == "blocked"
    assert summary.failed_checks() == ["class_a_share", "freshness"]
    text = "\n".join(summary.lines())
    assert "BLOCKED" in text and "class_a_share, freshness" in text and "80.0%" in text


def test_summary_of_a_missing_reporting_db_is_empty(tmp_path):
    summary = read_summary(_settings_reading(tmp_path / "absent.duckdb"), date(2026, 10, 15))
    assert summary.run is None and summary.status is None
    assert summary.lines() == ["pipeline_runs: no line for this as-of date", "reporting tables: nothing published yet"]


# --- per-run vars, the DAG command, the run's own log ---------------------------------------


def test_bad_vars_are_refused_before_anything_starts(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    with pytest.raises(SystemExit) as exited:
        main(["--as-of", "2026-10-15", "--vars", '{"max_row_chang": 0.4}'])
    assert exited.value.code == 2
    assert "argument --vars: unknown dbt var 'max_row_chang' in vars: not in dbt_project.yml" in capsys.readouterr().err
    for text, message in (
        ('{"max_row_change": "0.4"}', "dbt var 'max_row_change' must be a number like its default"),
        ('{"as_of_date": "2026-01-01"}', "dbt var 'as_of_date' cannot be overridden per run"),
        ("max_row_change=0.4", "--vars must be a JSON object, got 'max_row_change=0.4'"),
    ):
        with pytest.raises(SystemExit):
            main(["--vars", text])
        assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # no lock, no log, no Airflow home


def test_the_dag_gets_the_as_of_date_and_the_vars_as_its_conf():
    from kam.cli.run_nightly import dag_test_args

    assert dag_test_args(date(1998, 7, 31), {"max_row_change": 0.4}) == [
        "dags",
        "test",
        "kam_nightly",
        "1998-08-01T02:00:00+00:00",
        "-c",
        '{"as_of": "1998-07-31", "vars": {"max_row_change": 0.4}}',
    ]
    assert dag_test_args(date(2026, 10, 15), {})[-1] == '{"as_of": "2026-10-15"}'


def test_every_run_logs_to_its_own_file(monkeypatch, tmp_path):
    from kam.cli.run_nightly import run_log_path

    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    settings = load_settings()
    path = run_log_path(settings, date(2026, 10, 15), now=datetime(2026, 10, 16, 9, 30, 5, tzinfo=UTC))
    assert path == tmp_path / "logs" / "kam_nightly_2026-10-15_20261016T093005Z.log"


def test_airflow_home_follows_kam_home_in_the_makefile():
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "export AIRFLOW_HOME ?= $(KAM_HOME)/airflow" in makefile
    assert "--vars '$(VARS)'" in makefile and "python -m kam.cli.backfill --from $(FROM) --to $(TO)" in makefile


def test_the_airflow_child_runs_in_its_own_group_and_gets_the_signals_of_the_cli(tmp_path):
    """run_guarded: a SIGTERM to the CLI reaches the child's group, and the CLI goes on to report."""
    import os
    import signal
    import subprocess
    import sys
    import time

    log = tmp_path / "child.log"
    code = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from kam.cli.dag_process import run_guarded\n"
        "child = ('import os, signal, time\\n'\n"
        "         'signal.signal(signal.SIGTERM, lambda *a: (print(\"child got SIGTERM\", os.getpgid(0) == os.getpid(), flush=True), os._exit(3)))\\n'\n"
        "         'print(\"child ready\", flush=True); time.sleep(30)\\n')\n"
        f"code = run_guarded([sys.executable, '-c', child], env=dict(os.environ), log_path=Path({str(log)!r}))\n"
        "print('cli saw exit code', code, flush=True)\n"
    )
    cli = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "plugins")},
    )
    deadline = time.monotonic() + 20
    while "child ready" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.05)
    cli.send_signal(signal.SIGTERM)
    out, _ = cli.communicate(timeout=20)
    assert log.read_text().splitlines() == ["child ready", "child got SIGTERM True"]
    assert out.strip() == "cli saw exit code 3"
    assert cli.returncode == 0


def test_a_failed_run_names_the_failing_tasks_in_order(tmp_path):
    from kam.cli.run_nightly import failed_tasks

    log = tmp_path / "run.log"
    log.write_text(
        "2026-12-01T11:05:55Z [info     ] [DAG TEST] starting task_id=extract_crm\n"
        "2026-12-01T11:05:55Z [error    ] KAM pipeline FAILED: DAG kam_nightly, task extract_crm, run r1, "
        "as-of 2026-10-15. Error: ExtractError: source folder not found or not a directory: /src/crm "
        "[kam.publish.alerts] loc=alerts.py:137\n"
        "2026-12-01T11:05:57Z [error    ] KAM pipeline FAILED: DAG kam_nightly, task gate, run r1, "
        "as-of 2026-10-15. Error: AirflowException: blocked [kam.publish.alerts] loc=alerts.py:137\n"
    )
    assert failed_tasks(log) == [
        "KAM pipeline FAILED: DAG kam_nightly, task extract_crm, run r1, as-of 2026-10-15. "
        "Error: ExtractError: source folder not found or not a directory: /src/crm",
        "KAM pipeline FAILED: DAG kam_nightly, task gate, run r1, as-of 2026-10-15. Error: AirflowException: blocked",
    ]
