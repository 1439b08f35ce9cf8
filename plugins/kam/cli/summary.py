"""A one-screen summary of what the reporting DB holds after a run.

Customers per ABC class with their revenue share, key accounts, lapsed and lost
customers, and the run's line of `reporting.pipeline_runs` (published or blocked,
with the failed checks). A night blocked by source files that cannot be read says
those extraction errors first: the derived checks after them may fail because of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kam.config import Settings
    from kam.warehouse import TableReader


SOURCE_CHECK = "source_files_readable"  # kam.quality.result.SOURCE_CHECK (not imported: the CLI stays light)


@dataclass
class RunSummary:
    """What the CLI prints: the published state and this run's outcome."""

    published_as_of: date | None = None
    classes: list[tuple[str, int, float]] = field(default_factory=list)  # (class, customers, revenue share)
    customers: int = 0
    key_accounts: int = 0
    lapse_counts: dict[str, int] = field(default_factory=dict)
    run: dict[str, Any] | None = None

    @property
    def status(self) -> str | None:
        return None if self.run is None else str(self.run.get("status"))

    def failed_check_records(self) -> list[dict]:
        """The failed checks as recorded (`{name, message, ...}`; a bare name becomes `{name}`)."""
        raw = (self.run or {}).get("failed_checks")
        if raw is None:
            return []
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                return [{"name": c.strip()} for c in raw.split(",") if c.strip()]
        return [c if isinstance(c, dict) else {"name": str(c)} for c in raw]

    def failed_checks(self) -> list[str]:
        return [str(c.get("name")) for c in self.failed_check_records()]

    def extraction_errors(self) -> list[str]:
        """One line per source file the run's extraction could not read (object, file, error)."""
        for check in self.failed_check_records():
            if check.get("name") == SOURCE_CHECK:
                errors = check.get("errors") or []
                if not errors:
                    return [str(check.get("message") or SOURCE_CHECK)]
                return [f"{e.get('object')} file {e.get('source')}: {e.get('error')}" for e in errors]
        return []

    def lines(self) -> list[str]:
        out = []
        if self.run is None:
            out.append("pipeline_runs: no line for this as-of date")
        else:
            out.append(f"run {self.run.get('run_id')}: {str(self.status).upper()}")
            errors = self.extraction_errors()
            if errors:
                out.append(
                    "  extraction errors (source files that cannot be read; fix or replace the file, rerun the date):"
                )
                out += [f"    {line}" for line in errors]
            derived = [name for name in self.failed_checks() if name != SOURCE_CHECK]
            if derived and errors:
                out.append(f"  failed checks that may follow from them: {', '.join(derived)}")
            elif derived:
                out.append(f"  failed checks: {', '.join(derived)}")
        if self.published_as_of is None:
            out.append("reporting tables: nothing published yet")
            return out
        out.append(f"published state: as-of {self.published_as_of}, {self.customers} customers")
        out.append("  ABC class       customers   revenue share")
        for name, count, share in self.classes:
            out.append(f"  {name:<14} {count:>10}   {share:>12.1%}")
        out.append(f"  key accounts: {self.key_accounts}")
        out.append(
            "  "
            + ", ".join(f"{status}: {self.lapse_counts.get(status, 0)}" for status in ("at_risk", "lapsed", "lost"))
        )
        return out


def read_summary(settings: Settings, as_of: date) -> RunSummary:
    """The summary from the published state (what BI reads); empty when nothing was published yet."""
    from kam.warehouse import open_warehouse

    try:
        reader = open_warehouse(settings, purpose="kam-summary").published_reader()
    except FileNotFoundError:
        return RunSummary()
    try:
        summary = RunSummary()
        tables = {t for t in ("pipeline_runs", "customer_segments") if reader.columns(t)}
        if "pipeline_runs" in tables:
            summary.run = _latest_run(reader, as_of)
        if "customer_segments" in tables:
            _read_segments(reader, summary)
        return summary
    finally:
        reader.close()


def _latest_run(reader: TableReader, as_of: date) -> dict[str, Any] | None:
    rows = reader.fetchall(
        f"select run_id, status, failed_checks from {reader.table('pipeline_runs')} "
        "where as_of_date = ? order by finished_at desc limit 1",
        [as_of],
    )
    return dict(zip(("run_id", "status", "failed_checks"), rows[0])) if rows else None


def _read_segments(reader: TableReader, summary: RunSummary) -> None:
    segments = reader.table("customer_segments")
    head = reader.fetchall(
        f"select max(as_of_date), count(*), sum(case when is_key_account then 1 else 0 end) from {segments}"
    )[0]
    summary.published_as_of, summary.customers, summary.key_accounts = head[0], head[1], head[2] or 0
    summary.classes = [
        (r[0], r[1], float(r[2] or 0.0))
        for r in reader.fetchall(
            "select coalesce(abc_revenue, 'unclassified'), count(*), "
            "sum(revenue_12m) / nullif(sum(sum(revenue_12m)) over (), 0) "
            f"from {segments} group by 1 order by 1"
        )
    ]
    summary.lapse_counts = dict(reader.fetchall(f"select lapse_status, count(*) from {segments} group by 1"))
