"""`export_run`: the export folder of a published run, `<KAM_EXPORT_DIR>/<YYYY-MM-DD>/`.

Tables and columns come from the `sales_ops_exports` exposure; the files depend only on the run's
data, so a backfill of D rewrites D's files byte for byte (docs/decisions/0015).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from pathlib import Path

from kam.config import Settings
from kam.export.files import write_csv, write_workbook
from kam.export.folder import atomic_folder
from kam.export.manifest import write_manifest
from kam.export.reading import ExportError, read_published_tables
from kam.publish.exposures import export_specs
from kam.publish.run_record import as_date

__all__ = ["ExportError", "export_run", "workbook_name"]

log = logging.getLogger(__name__)


def workbook_name(as_of: date) -> str:
    return f"kam_segments_{as_of.isoformat()}.xlsx"


def export_run(settings: Settings, *, run_id: str, as_of: date | str, candidates_schema: str = "marts") -> Path:
    """Write the export folder of the published run `run_id` (as-of `as_of`); returns it.

    `candidates_schema`: where the run's candidates are (the plan's; `marts_backfill`
    for a backfill build), read when the run was published as a backfill.
    """
    as_of = as_date(as_of)
    tables = read_published_tables(
        settings, export_specs(), run_id=run_id, as_of=as_of, candidates_schema=candidates_schema
    )
    target = Path(settings.export_dir) / as_of.isoformat()
    with atomic_folder(target) as folder:
        rows: dict[str, int | dict[str, int]] = {}
        for table in tables:
            if table.spec.csv:
                name = f"{table.spec.table}.csv"
                rows[name] = write_csv(folder / name, table)
        rows[workbook_name(as_of)] = write_workbook(
            folder / workbook_name(as_of), tables, created=datetime.combine(as_of, time())
        )
        write_manifest(folder, as_of=as_of, run_id=run_id, rows=rows)
    log.info("exported run %s (as of %s) to %s: %s", run_id, as_of, target, rows)
    return target
