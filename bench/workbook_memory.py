"""Memory of the workbook writer: peak RSS writing one customer_segments-shaped sheet of N rows.

    PYTHONPATH=plugins:. .venv/bin/python -m bench.workbook_memory 500000 /tmp/w.xlsx

The rows are built in memory first (as the export reads a table today); the figure that matters is
what writing them adds to that peak (docs/decisions/0023). Values of every kind the sheet formats:
amounts, shares, dates, counts, flags and the coloured statuses.
"""

from __future__ import annotations

import resource
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from kam.export.about_sheet import Night
from kam.export.reading import ExportTable
from kam.export.workbook import write_workbook
from kam.publish.exposures import export_specs

COUNTS = {"months_observed", "active_months", "days_since_last_order", "failures_90d", "failures_prev_90d"}
STATUSES = {"lapse_status": ("active", "at_risk", "lapsed", "lost"), "failure_trend": ("none", "rising", "falling")}


def _value(column: str, i: int, kind):
    if column in STATUSES:
        return STATUSES[column][i % len(STATUSES[column])]
    if kind is date:
        return date(2026, 1, 1 + i % 28)
    if kind is Decimal:
        return Decimal(f"{i * 3.17:.2f}")
    if kind is bool:
        return i % 3 == 0
    if kind is int:
        return i % 97
    if kind is float:
        return (i % 1000) / 1001
    return f"{column[:8]} {i}"


def _kind(column: str):
    if column.endswith("_date") or column in ("window_start", "window_end"):
        return date
    if column in ("revenue_12m", "revenue_prev_12m", "gross_margin_12m"):
        return Decimal
    if column.startswith(("is_", "three_p", "kam_designated")):
        return bool
    if column in COUNTS or column == "tenure_months":
        return int
    if column.endswith(("_share", "_coverage", "_frequency", "_cv", "_days", "_90d", "_score")):
        return float
    return str


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(rows: int, out: Path) -> None:
    spec = export_specs()[0]
    kinds = [_kind(c) for c in spec.columns]
    table = ExportTable(spec, [tuple(_value(c, i, k) for c, k in zip(spec.columns, kinds)) for i in range(rows)])
    before, wall, cpu = _peak_mb(), time.perf_counter(), time.process_time()
    write_workbook(out, [table], created=datetime(2026, 10, 15), night=Night(date(2026, 10, 15), "bench"), docs={})
    print(
        f"rows={rows} peak_rss_with_rows={before:.0f}MB peak_rss_after_write={_peak_mb():.0f}MB "
        f"added_by_the_writer={_peak_mb() - before:.0f}MB cpu={time.process_time() - cpu:.1f}s "
        f"wall={time.perf_counter() - wall:.1f}s file={out.stat().st_size / 1e6:.1f}MB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
