"""The Airflow assets the nightly run updates: the published reporting tables and the export folder.

`publish` and `export` declare them as outlets; each event's extra is `event_extra(...)`
(the as-of date, the run id, backfill or not), so a DAG scheduled on an asset knows which
night landed (e.g. `kam_workbook_to_sales_ops` on `EXPORTS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow.sdk import Asset

if TYPE_CHECKING:
    from kam.run_plan import RunPlan

REPORTING = Asset(uri="kam://warehouse/reporting", name="kam_reporting", group="kam")
EXPORTS = Asset(uri="kam://exports/segments", name="kam_exports", group="kam")


def event_extra(plan: RunPlan, run_id: str) -> dict[str, str | bool]:
    """The extra of an asset event of a night: `{"as_of": "2026-10-15", "run_id": ..., "backfill": False}`."""
    return {"as_of": plan.as_of.isoformat(), "run_id": run_id, "backfill": plan.is_backfill}
