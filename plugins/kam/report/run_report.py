"""`write_run_report`: the run report of a published night, `kam_run_report_<D>.html`.

Written into the export folder being filled (so it is part of the folder's atomic swap and of its
manifest) and a copy beside the gate report of the run. The page depends only on the night's
published tables, the run's dbt vars and its gate's checks, never on the clock (docs/decisions/0022).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from kam.config import Settings
from kam.export.files import fsync_file
from kam.export.reading import run_source
from kam.publish.run_record import as_date
from kam.quality.report import report_folder
from kam.report.gate_record import read_gate_checks
from kam.report.page import render_page
from kam.report.report_data import TABLES, read_report_data
from kam.report.report_vars import load_report_vars

HISTORY = "customer_segments_history"  # holds every as-of date: not one of the tables checked to be of D


def report_name(as_of: date) -> str:
    return f"kam_run_report_{as_of.isoformat()}.html"


def render_run_report(
    settings: Settings,
    *,
    run_id: str,
    as_of: date | str,
    candidates_schema: str = "marts",
    run_vars: dict | None = None,
) -> str:
    """The report of the published run `run_id` (as-of `as_of`) as HTML text."""
    as_of = as_date(as_of)
    checked = [t for t in TABLES if t != HISTORY]
    with run_source(settings, run_id=run_id, as_of=as_of, candidates_schema=candidates_schema, tables=checked) as src:
        data = read_report_data(src, as_of)
    return render_page(data, load_report_vars(run_vars), read_gate_checks(settings.report_dir, as_of, run_id))


def write_run_report(
    settings: Settings,
    folder: Path,
    *,
    run_id: str,
    as_of: date,
    candidates_schema: str = "marts",
    run_vars: dict | None = None,
) -> dict[str, None]:
    """Write the report into `folder` and beside the run's gate report; returns {file name: None} for
    the manifest (a page has no data rows)."""
    name = report_name(as_of)
    html = render_run_report(
        settings, run_id=run_id, as_of=as_of, candidates_schema=candidates_schema, run_vars=run_vars
    ).encode("utf-8")
    (folder / name).write_bytes(html)
    fsync_file(folder / name)
    beside = report_folder(settings.report_dir, as_of, run_id)
    beside.mkdir(parents=True, exist_ok=True)
    tmp = beside / f".{name}.tmp"
    tmp.write_bytes(html)
    os.replace(tmp, beside / name)
    return {name: None}
