"""`export_run`: the export folder of a published run, `<KAM_EXPORT_DIR>/<YYYY-MM-DD>/`.

Tables and columns come from the `sales_ops_exports` exposure, what they mean from the dbt docs
(`kam.dbt_docs`); the files depend only on the run's data and docs, so a backfill of D rewrites D's
CSVs byte for byte, and its workbook but for the run named on the About sheet (docs/decisions/0015, 0023).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from pathlib import Path

from kam.config import Settings
from kam.dbt_docs import published_docs
from kam.export.about_sheet import Night
from kam.export.files import write_csv
from kam.export.folder import atomic_folder
from kam.export.manifest import write_manifest
from kam.export.reading import ExportError, read_published_tables
from kam.export.workbook import write_workbook
from kam.publish.exposures import export_specs
from kam.publish.run_record import as_date

__all__ = ["ExportError", "export_run", "workbook_name"]

log = logging.getLogger(__name__)


def workbook_name(as_of: date) -> str:
    return f"kam_segments_{as_of.isoformat()}.xlsx"


def export_run(
    settings: Settings,
    *,
    run_id: str,
    as_of: date | str,
    candidates_schema: str = "marts",
    run_vars: dict | None = None,
) -> Path:
    """Write the export folder of the published run `run_id` (as-of `as_of`); returns it.

    `candidates_schema`: where the run's candidates are (the plan's; `marts_backfill`
    for a backfill build), read when the run was published as a backfill. `run_vars`: the run's dbt var
    overrides (the plan's), which the run report draws its cut lines and limits with.
    """
    from kam.report import write_run_report  # the run report reads the run's tables through kam.export

    as_of = as_date(as_of)
    tables = read_published_tables(
        settings, export_specs(), run_id=run_id, as_of=as_of, candidates_schema=candidates_schema
    )
    docs = published_docs(settings.home, [table.spec.table for table in tables])
    if not docs:
        log.warning("no dbt manifest.json under %s: the workbook's About sheet has no column meanings", settings.home)
    target = Path(settings.export_dir) / as_of.isoformat()
    with atomic_folder(target) as folder:
        rows: dict[str, int | dict[str, int]] = {}
        for table in tables:
            if table.spec.csv:
                name = f"{table.spec.table}.csv"
                rows[name] = write_csv(folder / name, table)
        rows[workbook_name(as_of)] = write_workbook(
            folder / workbook_name(as_of),
            tables,
            created=datetime.combine(as_of, time()),
            night=Night(as_of, run_id),
            docs=docs,
        )
        rows.update(
            write_run_report(
                settings, folder, run_id=run_id, as_of=as_of, candidates_schema=candidates_schema, run_vars=run_vars
            )
        )
        write_manifest(folder, as_of=as_of, run_id=run_id, rows=rows)
    log.info("exported run %s (as of %s) to %s: %s", run_id, as_of, target, rows)
    return target
