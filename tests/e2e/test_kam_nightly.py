"""End to end: `kam_nightly` runs for real (`python -m kam.cli.run_nightly` → `airflow dags test`)
on a small generated demo drop, in its own KAM_HOME and AIRFLOW_HOME under tmp_path.

Night one must publish every reporting table (exactly what
tests/fixtures/published_baseline/demo.json holds), record the run and write the export
folder with its manifest; rerunning the same date must leave `raw` untouched and
publish the same tables and export files again. Mails go to a local SMTP sink: tests of
the night's alerts and asset events (and two cheap failing nights) are at the end.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.e2e.pipeline_home import prepare_home, run_logged
from tests.published_digest import assert_matches_baseline, published_digest
from tests.support.smtp_sink import SmtpSink, mail_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-10-15"
CUSTOMERS = 60
REPORTING_TABLES = (
    "customer_segments",
    "customer_segments_history",
    "abc_xyz_matrix",
    "key_accounts",
    "key_account_dossier",
    "win_back_list",
    "failure_dynamics_monthly",
    "kam_workload",
    "segment_changes",
    "pipeline_runs",
)
# Night one has no earlier publication, so nothing can have moved yet.
MAY_BE_EMPTY_ON_NIGHT_ONE = {"segment_changes"}


def _require_pipeline_modules() -> None:
    missing = []
    for module in (
        "kam.extract",
        "kam.quality",
        "kam.publish",
        "kam.publish.alerts",
        "kam.export",
        "kam.demo.generate",
    ):
        try:
            __import__(module)
        except ImportError as error:
            missing.append(f"{module} ({error})")
    if missing:
        pytest.skip("pipeline modules not importable yet: " + ", ".join(missing))


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    _require_pipeline_modules()
    return tmp_path_factory.mktemp("kam_e2e")


@pytest.fixture(scope="module")
def smtp_sink():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="module")
def env(home, smtp_sink) -> dict[str, str]:
    # mails go to the sink; a new DAG starts unpaused, so the export's asset event queues the downstream DAG
    return {
        **prepare_home(home, AS_OF, CUSTOMERS),
        **mail_env(smtp_sink),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
    }


def _night(env: dict[str, str], home: Path, name: str) -> str:
    return run_logged([sys.executable, "-m", "kam.cli.run_nightly", "--as-of", AS_OF], env, home / f"{name}.log").stdout


def _query(db: Path, sql: str, alias: str = "db") -> list[tuple]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("attach ? as db (read_only)", [str(db)])
        return con.execute(sql.replace("{db}", alias)).fetchall()
    finally:
        con.close()


def _tables(db: Path, schema: str) -> list[str]:
    return [
        r[0]
        for r in _query(
            db,
            "select table_name from information_schema.tables "
            f"where table_catalog = 'db' and table_schema = '{schema}' order by 1",
        )
    ]


def _content(db: Path, schema: str, table: str) -> list[tuple]:
    return _query(db, f'select * from {{db}}."{schema}"."{table}" order by all')


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run_and_snapshot(env, home, label: str) -> dict:
    """Run one night, then take what it left: raw and reporting tables, export digest."""
    stdout = _night(env, home, label)
    warehouse, reporting = home / "warehouse.duckdb", Path(_settings_path(env, "reporting_db"))
    return {
        "stdout": stdout,
        "raw": {t: _content(warehouse, "raw", t) for t in _tables(warehouse, "raw")},
        "reporting": {t: _content(reporting, "reporting", t) for t in _tables(reporting, "reporting")},
        "published_digest": published_digest(reporting),
        "export": _export_digest(home),
    }


@pytest.fixture(scope="module")
def first_night(env, home):
    return _run_and_snapshot(env, home, "night1")


def _settings_path(env: dict[str, str], name: str) -> str:
    code = f"from kam.config import load_settings; print(load_settings().{name})"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def _export_digest(home: Path) -> dict:
    folder = home / "exports" / AS_OF
    manifest = json.loads((folder / "manifest.json").read_text())
    csvs = {p.name: _sha256(p) for p in sorted(folder.glob("*.csv"))}
    return {"manifest": manifest, "csv_sha256": csvs, "files": sorted(p.name for p in folder.iterdir())}


def test_night_one_publishes_every_reporting_table(first_night):
    published = first_night["reporting"]
    assert set(REPORTING_TABLES) <= set(published)
    empty = [t for t in REPORTING_TABLES if not published[t] and t not in MAY_BE_EMPTY_ON_NIGHT_ONE]
    assert empty == []
    assert len(published["customer_segments"]) >= CUSTOMERS * 0.9


def test_night_one_publishes_what_the_baseline_holds(first_night):
    assert_matches_baseline(first_night["published_digest"], "demo")


def test_night_one_is_recorded_as_published(first_night, env):
    reporting = Path(_settings_path(env, "reporting_db"))
    runs = _query(reporting, "select as_of_date, status from {db}.reporting.pipeline_runs")
    assert [(str(d), s) for d, s in runs] == [(AS_OF, "published")]
    assert "PUBLISHED" in first_night["stdout"]


def test_night_one_writes_the_export_folder_with_its_manifest(first_night, home):
    folder = home / "exports" / AS_OF
    manifest = first_night["export"]["manifest"]
    assert manifest["as_of_date"] == AS_OF
    assert manifest["run_id"]
    expected = {
        "customer_segments.csv",
        "key_accounts.csv",
        "win_back_list.csv",
        "segment_changes.csv",
        "kam_workload.csv",
        f"kam_segments_{AS_OF}.xlsx",
        f"kam_run_report_{AS_OF}.html",
    }
    assert set(manifest["files"]) == expected
    assert set(first_night["export"]["files"]) == expected | {"manifest.json"}
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == _sha256(folder / name), name
    segments_rows = len((folder / "customer_segments.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert (
        manifest["files"]["customer_segments.csv"]["rows"]
        == segments_rows
        == len(first_night["reporting"]["customer_segments"])
    )


# --- progress and lineage: the stage lines of `make run`, the OpenLineage file (docs/decisions/0026) ---

STAGE_LINE = re.compile(r"^\[\d+:\d\d\] (\w+) +(started|done in \d+\.\d s)(?:: (.*))?$")
ERP_OBJECTS = ("orders", "order_lines", "fx_rates")
TASKS = ("plan", "extract_erp", "extract_crm", "dbt_build", "gate", "publish", "export", "docs")


def _stage_lines(stdout: str) -> list[tuple[str, str, str | None]]:
    """(task, started or done, counts) of every stage line, in printed order."""
    found = [STAGE_LINE.match(line) for line in stdout.splitlines()]
    return [(m[1], "started" if m[2] == "started" else "done", m[3]) for m in found if m]


def test_night_one_prints_each_stage_as_it_starts_and_ends_with_its_counts(first_night, home):
    stages = _stage_lines(first_night["stdout"])
    assert [(task, what) for task, what, _ in stages if task == "docs"] == [("docs", "started"), ("docs", "done")]
    order = [(task, what) for task, what, _ in stages if task != "docs"]  # docs runs beside export, either first
    extracts = order[4:8]
    assert order[:4] + order[8:] == [
        (task, what)
        for task in ("prepare", "plan", "dbt_build", "gate", "publish", "export")
        for what in ("started", "done")
    ]
    assert sorted(extracts) == sorted((t, w) for t in ("extract_erp", "extract_crm") for w in ("started", "done"))
    for task in ("extract_erp", "extract_crm"):
        assert extracts.index((task, "started")) < extracts.index((task, "done"))
    counts = {task: detail for task, what, detail in stages if what == "done"}
    run_id = first_night["export"]["manifest"]["run_id"]
    in_words = "sum(rows_loaded) || ' rows loaded, ' || sum(rows_quarantined) || ' quarantined (' || count(*)"
    loaded = dict(
        _query(
            home / "warehouse.duckdb",
            f"select object in {ERP_OBJECTS}, {in_words} || ' objects)' from {{db}}.meta.extract_runs "
            f"where run_id = '{run_id}' group by 1",
        )
    )
    assert (counts["extract_erp"], counts["extract_crm"]) == (loaded[True], loaded[False])
    assert (counts["prepare"], counts["plan"]) == (None, "nightly")
    assert re.fullmatch(r"\d+ built, \d+ tests passed(, \d+ warned)?(, \d+ no-op)?", counts["dbt_build"])
    assert re.fullmatch(r"(\d+) checks, \1 passed, 0 failed( \(\d+ warnings\))?", counts["gate"])
    published = [t for t in REPORTING_TABLES if t != "pipeline_runs"]
    rows = sum(len(first_night["reporting"][t]) for t in published)
    assert counts["publish"] == f"{rows} rows in {len(published)} reporting tables"
    assert counts["export"] == f"{len(first_night['export']['files'])} files"


def _dag_run_id(event: dict) -> str | None:
    """The Airflow run an OpenLineage event belongs to (a task's facet `airflow`, the DAG's `airflowDagRun`)."""
    facets = event["run"]["facets"]
    return (facets.get("airflow") or facets.get("airflowDagRun") or {}).get("dagRun", {}).get("run_id")


def test_night_one_writes_openlineage_events_naming_its_tasks_and_dbt_models(first_night, home):
    events = [json.loads(line) for line in (home / "openlineage.jsonl").read_text().splitlines()]
    ours = [e for e in events if _dag_run_id(e) == first_night["export"]["manifest"]["run_id"]]
    seen = {(e["eventType"], e["job"]["namespace"], e["job"]["name"]) for e in ours}
    expected = {(kind, "kam_warehouse", f"kam_nightly.{task}") for task in TASKS for kind in ("START", "COMPLETE")}
    assert seen == expected | {("COMPLETE", "kam_warehouse", "kam_nightly")}
    [dbt] = [e for e in ours if (e["eventType"], e["job"]["name"]) == ("COMPLETE", "kam_nightly.dbt_build")]
    built = {o["name"] for o in dbt["outputs"]}
    assert {f"warehouse.marts.{t}" for t in ("customer_segments", "key_accounts", "win_back_list")} <= built
    run_log = Path(first_night["stdout"].splitlines()[0].split("; log: ")[1]).read_text()
    assert "To enable emitting Openlineage events" not in run_log  # Cosmos: the provider is missing
    assert "[openlineage/namespace] not found" not in run_log


@pytest.fixture(scope="module")
def second_night(first_night, env, home):
    return _run_and_snapshot(env, home, "night2")


def test_rerunning_the_date_changes_nothing_in_raw(first_night, second_night):
    assert first_night["raw"], "no raw tables"
    assert second_night["raw"] == first_night["raw"]


def test_rerunning_the_date_republishes_identical_tables(first_night, second_night, env):
    for table in REPORTING_TABLES:
        if table != "pipeline_runs":
            assert second_night["reporting"][table] == first_night["reporting"][table], table
    reporting = Path(_settings_path(env, "reporting_db"))
    runs = _query(reporting, "select as_of_date, status from {db}.reporting.pipeline_runs")
    assert [(str(d), s) for d, s in runs] == [(AS_OF, "published"), (AS_OF, "published")]


def test_rerunning_the_date_rewrites_identical_export_files(first_night, second_night):
    first, second = first_night["export"], second_night["export"]
    assert second["files"] == first["files"]
    assert second["csv_sha256"] == first["csv_sha256"]
    rows = {name: entry["rows"] for name, entry in first["manifest"]["files"].items()}
    assert {name: entry["rows"] for name, entry in second["manifest"]["files"].items()} == rows
    assert second["manifest"]["run_id"] != first["manifest"]["run_id"]


# --- alerts and assets: one mail per night, one asset event per asset and night ------------------

DOWNSTREAM_DAG = "kam_workbook_to_sales_ops"
ASSETS = {"kam://warehouse/reporting": "publish", "kam://exports/segments": "export"}
# Two failing nights of D under `dag.test()` (other logical dates than the published nights'):
# the gate blocks on freshness (build and extraction marked done: the marts of night one stay),
# and dbt_build fails with the gate after it (plan marked done, so there is no plan in XCom).
FAILING_NIGHTS = [
    ["blocked", 3, {"as_of": AS_OF, "vars": {"freshness_max_hours": 0}}, "extract_.*|dbt_build"],
    ["dbt_failed", 4, {"as_of": AS_OF}, "plan|extract_.*"],
]
RUN_FAILING_NIGHTS = """
import json, sys
from datetime import datetime, timezone
from airflow.dag_processing.dagbag import DagBag
from airflow.utils.session import create_session

dag = DagBag(dag_folder=sys.argv[1]).dags["kam_nightly"]
for name, hour, conf, mark_success in json.loads(sys.argv[2]):
    run = dag.test(logical_date=datetime(2026, 10, 16, hour, tzinfo=timezone.utc), run_conf=conf,
                   mark_success_pattern=mark_success)
    with create_session() as session:
        states = {ti.task_id: str(ti.state) for ti in run.get_task_instances(session=session)}
    print("RESULT " + json.dumps({"name": name, "run_id": run.run_id, "state": str(run.state), "tasks": states}))
"""


def _airflow_db(home: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(home / "airflow" / "airflow.db")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _mails_of_run(sink: SmtpSink, run_id: str) -> list:
    """The mails whose HTML body names the run `run_id`."""
    return [m for m in sink.messages if f"<code>{run_id}</code>" in _html(m)]


def _html(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return part.get_payload(decode=True).decode("utf-8")


def _downstream_dag():
    spec = importlib.util.spec_from_file_location(DOWNSTREAM_DAG, REPO / "dags" / f"{DOWNSTREAM_DAG}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


def _night_one_run_id(first_night) -> str:
    return first_night["export"]["manifest"]["run_id"]


def test_night_one_mails_one_success_notification_linking_its_reports(first_night, smtp_sink, home):
    [mail] = _mails_of_run(smtp_sink, _night_one_run_id(first_night))
    assert mail["Subject"] == f"KAM night {AS_OF} published"
    assert (mail["From"], mail["To"]) == ("kam@example.com", "data@example.com")
    html = _html(mail)
    workbook = (home / "exports" / AS_OF / f"kam_segments_{AS_OF}.xlsx").resolve()
    assert f'workbook: <a href="{workbook.as_uri()}">' in html
    gate_report = home / "reports" / AS_OF / _night_one_run_id(first_night) / "gate_report.html"
    assert f'gate report: <a href="{gate_report.resolve().as_uri()}">' in html
    assert "FAILED" not in html


def test_night_one_updates_each_asset_once_with_its_as_of_and_run(first_night, home):
    run_id = _night_one_run_id(first_night)
    events = _airflow_db(
        home,
        "select a.uri, e.source_task_id, e.extra from asset_event e join asset a on a.id = e.asset_id "
        f"where e.source_run_id = '{run_id}' order by a.uri",
    )
    assert [(uri, task, json.loads(extra)) for uri, task, extra in events] == [
        (uri, task, {"as_of": AS_OF, "run_id": run_id, "backfill": False}) for uri, task in sorted(ASSETS.items())
    ]


def test_night_one_queues_the_downstream_dag_on_the_export_asset(first_night, home):
    queued = _airflow_db(
        home, "select a.uri, q.target_dag_id from asset_dag_run_queue q join asset a on a.id = q.asset_id"
    )
    assert queued == [("kam://exports/segments", DOWNSTREAM_DAG)]


def test_the_downstream_task_mails_the_workbook_of_the_event_to_sales_ops(first_night, smtp_sink, env, home):
    """The downstream run itself needs a scheduler (tests/browser runs it); its task runs here on
    the export's real asset event."""
    from types import SimpleNamespace

    from operators.assets import EXPORTS

    run_id = _night_one_run_id(first_night)
    [(extra, timestamp)] = _airflow_db(
        home,
        "select e.extra, e.timestamp from asset_event e join asset a on a.id = e.asset_id "
        f"where a.uri = '{EXPORTS.uri}' and e.source_run_id = '{run_id}'",
    )
    dag = _downstream_dag()
    context = {
        "dag": dag,
        "triggering_asset_events": {EXPORTS: [SimpleNamespace(extra=json.loads(extra), timestamp=timestamp)]},
    }
    before = len(smtp_sink.messages)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        workbook = Path(dag.get_task("mail_workbook").execute(context))
    [mail] = smtp_sink.messages[before:]
    assert mail["Subject"] == f"KAM key-account workbook as of {AS_OF}"
    assert mail["To"] == "sales-ops@example.com"
    [attachment] = [p for p in mail.walk() if p.get_filename()]
    assert attachment.get_filename() == f"kam_segments_{AS_OF}.xlsx" == workbook.name
    assert attachment.get_payload(decode=True) == (home / "exports" / AS_OF / workbook.name).read_bytes()


@pytest.fixture(scope="module")
def failing_nights(second_night, env, home) -> dict[str, dict]:
    """The two failing nights, after the published ones (they add `pipeline_runs` rows)."""
    result = subprocess.run(
        [sys.executable, "-c", RUN_FAILING_NIGHTS, str(REPO / "dags"), json.dumps(FAILING_NIGHTS)],
        env=env,
        capture_output=True,
        text=True,
    )
    (home / "failing_nights.log").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stderr[-4000:]
    runs = [json.loads(line[len("RESULT ") :]) for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    return {run["name"]: run for run in runs}


def test_a_blocked_night_sends_exactly_one_alert_naming_its_failed_checks(failing_nights, smtp_sink, home):
    run = failing_nights["blocked"]
    assert (run["state"], run["tasks"]["gate"], run["tasks"]["publish"]) == ("failed", "failed", "upstream_failed")
    [mail] = _mails_of_run(smtp_sink, run["run_id"])
    assert mail["Subject"] == f"KAM night {AS_OF} FAILED: gate blocked publication"
    html = _html(mail)
    assert "Failed tasks: <code>gate</code>." in html
    assert "Not run, an upstream task failed: <code>publish</code>, <code>export</code>" in html
    assert "<li>freshness (" in html
    assert "workbook" not in html  # D's export folder is a published night's, not this one's
    gate_report = home / "reports" / AS_OF / run["run_id"] / "gate_report.html"
    assert f'gate report: <a href="{gate_report.resolve().as_uri()}">' in html


def test_a_failed_dbt_build_then_a_failed_gate_send_exactly_one_alert(failing_nights, smtp_sink):
    run = failing_nights["dbt_failed"]
    assert {t: run["tasks"][t] for t in ("dbt_build", "gate", "publish", "export")} == {
        "dbt_build": "failed",
        "gate": "failed",
        "publish": "upstream_failed",
        "export": "upstream_failed",
    }
    [mail] = _mails_of_run(smtp_sink, run["run_id"])
    assert mail["Subject"] == f"KAM night {AS_OF} FAILED: dbt_build, gate"
    assert "Failed tasks: <code>dbt_build</code>, <code>gate</code>." in _html(mail)


def test_a_night_parsed_with_the_deadline_gets_one_at_its_logical_date_plus_5_hours(failing_nights, home):
    """`kam_nightly`'s deadline alert (07:00 UTC for a 02:00 night): one row per run of the DAG parsed
    with it (the failing nights' `dag.test()`; `make run` parses it without: kam.config.WITHOUT_DEADLINE).
    A scheduler's deadline loop would call `night_late` for them, which skips failed runs."""
    deadlines = _airflow_db(
        home,
        "select r.run_id, d.deadline_time, d.missed from deadline d join dag_run r on r.id = d.dagrun_id "
        "where r.dag_id = 'kam_nightly' order by d.deadline_time",
    )
    assert [(run_id, time[:16], missed) for run_id, time, missed in deadlines] == [
        (failing_nights["blocked"]["run_id"], "2026-10-16 08:00", 0),
        (failing_nights["dbt_failed"]["run_id"], "2026-10-16 09:00", 0),
    ]
