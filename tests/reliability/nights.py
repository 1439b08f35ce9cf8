"""Running whole nights the way `make run` does, in a throwaway KAM_HOME, and reading what they left.

`python -m kam.cli.run_nightly --as-of D` runs the whole Airflow DAG (plan, extract_erp,
extract_crm, dbt_build, gate, publish, export). Each home has its own AIRFLOW_HOME, sources
(KAM_ORDERS_SOURCE / KAM_CRM_SOURCE folders) and KAM_EXTRACT_RETRIES=0.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape
from zipfile import ZipFile

import duckdb

REPO = Path(__file__).resolve().parents[2]
STAGES = ("plan", "extract_erp", "extract_crm", "dbt_build", "gate", "publish", "export")
# Tables a replay may legitimately differ in from one run on the final data (they carry the past).
HISTORY_TABLES = {"customer_segments_history", "segment_changes", "pipeline_runs"}
HISTORY_EXPORTS = {"segment_changes.csv"}
# Columns that depend on earlier published dates (metrics.md: was_key_account = a key account on
# any earlier published as-of date): a single run on the final data has no earlier dates.
HISTORY_COLUMNS = {"win_back_list": ("was_key_account",)}


@dataclass
class NightHome:
    """One warehouse home: KAM_HOME, its sources and the environment of its runs."""

    root: Path
    erp: Path
    crm: Path

    @property
    def reporting_db(self) -> Path:
        return self.root / "kam_reporting.duckdb"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KAM_", "AIRFLOW", "DBT_TARGET", "DBT_LOG"))}
        env.update(
            {
                "KAM_HOME": str(self.root),
                "AIRFLOW_HOME": str(self.root / "airflow"),
                "KAM_ORDERS_SOURCE": str(self.erp),
                "KAM_CRM_SOURCE": str(self.crm),
                "KAM_REPORTING_DB": str(self.reporting_db),
                "KAM_EXTRACT_RETRIES": "0",
                "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
                "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
                "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
                "GX_ANALYTICS_ENABLED": "False",
                "DO_NOT_TRACK": "1",
                "PYTHONPATH": os.pathsep.join([str(REPO / "plugins"), str(REPO)]),
            }
        )
        env.update(extra)
        return env

    def command(self, as_of: date, *args: str) -> list[str]:
        return [sys.executable, "-m", "kam.cli.run_nightly", "--as-of", as_of.isoformat(), *args]

    def run(self, as_of: date, label: str, *args: str, **env: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            self.command(as_of, *args), env=self.env(**env), cwd=REPO, capture_output=True, text=True
        )
        (self.root / f"{label}.out").write_text(result.stdout + "\n--- stderr ---\n" + result.stderr)
        return result

    def start(self, as_of: date, *args: str, **env: str) -> subprocess.Popen:
        """The CLI in its own process group (so a kill reaches airflow and dbt)."""
        return subprocess.Popen(
            self.command(as_of, *args),
            env=self.env(**env),
            cwd=REPO,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


def new_home(root: Path, source: Path | None = None) -> NightHome:
    """A fresh home under `root`; sources copied from `source` (a folder with erp/ and crm/) if given."""
    root.mkdir(parents=True, exist_ok=True)
    home = NightHome(root, root / "src" / "erp", root / "src" / "crm")
    if source is not None:
        shutil.copytree(source, root / "src")
        for path in (root / "src").rglob("*"):
            path.chmod(0o700 if path.is_dir() else 0o600)
    return home


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("attach ? as db (read_only)", [str(db)])
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def reporting_tables(db: Path) -> dict[str, list[tuple]]:
    """Every table of schema reporting of the BI file, rows sorted."""
    names = [
        r[0]
        for r in query(
            db,
            "select table_name from information_schema.tables "
            "where table_catalog = 'db' and table_schema = 'reporting' order by 1",
        )
    ]
    return {name: query(db, f'select * from db.reporting."{name}" order by all') for name in names}


def current_state(db: Path) -> dict[str, list[tuple]]:
    """The tables of the latest night that do not depend on earlier nights, without history columns."""
    names = [
        r[0]
        for r in query(
            db,
            "select table_name from information_schema.tables "
            "where table_catalog = 'db' and table_schema = 'reporting' order by 1",
        )
    ]
    result = {}
    for name in names:
        if name in HISTORY_TABLES:
            continue
        dropped = HISTORY_COLUMNS.get(name)
        columns = f"* exclude ({', '.join(dropped)})" if dropped else "*"
        result[name] = query(db, f'select {columns} from db.reporting."{name}" order by all')
    return result


def csv_without_history_columns(path: Path) -> list[list[str]]:
    """An export CSV's rows without the history columns of its table."""
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    dropped = set(HISTORY_COLUMNS.get(path.stem, ()))
    keep = [i for i, name in enumerate(rows[0]) if name not in dropped] if rows else []
    return [[row[i] for i in keep] for row in rows]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _workbook_digest(path: Path, run_id: str) -> str:
    """sha256 over the workbook's parts with the run id its About sheet names masked: all else must be equal bytes."""
    named = f"<t>{escape(run_id)}</t>".encode()
    digest = hashlib.sha256()
    with ZipFile(path) as archive:
        for name in archive.namelist():
            digest.update(name.encode() + b"\0" + archive.read(name).replace(named, b"<t>(run id)</t>"))
    return digest.hexdigest()


GATE_SECTION = b"<h2>Data-quality gate</h2>"  # the run report's last section: the run's own gate results


def _run_report_digest(path: Path) -> str:
    """sha256 of the run report up to its gate section (a backfill's checks word their messages as a backfill's)."""
    return hashlib.sha256(path.read_bytes().partition(GATE_SECTION)[0]).hexdigest()


def export_folder(home: NightHome, as_of: date) -> dict:
    """File name -> sha256 of an export folder, and its manifest without run_id/created_at.

    Two files hold something of the run that wrote them, so a rerun or backfill compares the rest:
    the workbook's About sheet names the run (docs/decisions/0023; compared with the run id masked),
    and the run report ends with the run's gate checks (compared up to them). Their whole-file sha256
    are left out of the manifest.
    """
    folder = home.exports / as_of.isoformat()
    if not folder.is_dir():
        return {"files": {}, "manifest": None}
    manifest = json.loads((folder / "manifest.json").read_text()) if (folder / "manifest.json").exists() else None
    run_id = manifest["run_id"] if manifest else ""
    digests = {".xlsx": lambda p: _workbook_digest(p, run_id), ".html": _run_report_digest}
    files = {
        p.name: digests.get(p.suffix, sha256)(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != "manifest.json"
    }
    if manifest:
        manifest = {k: v for k, v in manifest.items() if k not in ("run_id", "created_at")}
        for name, entry in manifest.get("files", {}).items():
            if name.endswith((".xlsx", ".html")):
                entry.pop("sha256", None)
    return {"files": files, "manifest": manifest}


def runs_of(home: NightHome) -> list[tuple[str, str]]:
    if not home.reporting_db.exists():
        return []
    return [
        (str(d), s)
        for d, s in query(
            home.reporting_db, "select as_of_date, status from db.reporting.pipeline_runs order by started_at"
        )
    ]


def processes_of(home: NightHome) -> list[str]:
    """Command lines of live processes whose environment names this home (dbt, airflow, the CLI)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            environ = (proc / "environ").read_bytes()
            if f"KAM_HOME={home.root}".encode() + b"\x00" not in environ + b"\x00":
                continue
            cmdline = (proc / "cmdline").read_bytes().replace(b"\x00", b" ").decode(errors="replace")
            found.append(f"{proc.name}: {cmdline[:200]}")
        except OSError:
            continue
    return found


def leftover_temp_files(home: NightHome) -> list[str]:
    """Files a finished run should not leave: temp snapshots, half-written export folders, WALs."""
    patterns = ("*.tmp", "*.tmp.*", ".tmp*", "*.partial", "*.wal")
    found = set()
    for pattern in patterns:
        found |= {
            str(p.relative_to(home.root))
            for p in home.root.rglob(pattern)
            if "airflow" not in p.relative_to(home.root).parts
        }
    return sorted(found)
