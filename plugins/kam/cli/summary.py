"""A one-screen summary of what the reporting DB holds after a run.

Customers per ABC class with their revenue share, key accounts, lapsed and lost
customers, and the run's line of `reporting.pipeline_runs` (published or blocked,
with the failed checks).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

# Preferred order when looking for the latest line of pipeline_runs.
TIME_COLUMNS = ("finished_at", "ended_at", "end_time", "published_at", "started_at", "start_time")


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

    def failed_checks(self) -> list[str]:
        raw = (self.run or {}).get("failed_checks")
        if raw is None:
            return []
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                return [c.strip() for c in raw.split(",") if c.strip()]
        return [str(c.get("name", c)) if isinstance(c, dict) else str(c) for c in raw]

    def lines(self) -> list[str]:
        out = []
        if self.run is None:
            out.append("pipeline_runs: no line for this as-of date")
        else:
            out.append(f"run {self.run.get('run_id')}: {str(self.status).upper()}")
            if self.failed_checks():
                out.append(f"  failed checks: {', '.join(self.failed_checks())}")
        if self.published_as_of is None:
            out.append("reporting tables: nothing published yet")
            return out
        out.append(f"published state: as-of {self.published_as_of}, {self.customers} customers")
        out.append("  ABC class       customers   revenue share")
        for name, count, share in self.classes:
            out.append(f"  {name:<14} {count:>10}   {share:>12.1%}")
        out.append(f"  key accounts: {self.key_accounts}")
        out.append("  " + ", ".join(f"{status}: {self.lapse_counts.get(status, 0)}"
                                  for status in ("at_risk", "lapsed", "lost")))
        return out


def read_summary(reporting_db: str | Path, as_of: date) -> RunSummary:
    """Read the summary from the DuckDB reporting DB (read-only); empty if it does not exist."""
    summary = RunSummary()
    if not Path(reporting_db).exists():
        return summary
    # Attached under an alias: a file named reporting.duckdb would otherwise make the
    # catalog `reporting` and the schema `reporting` ambiguous.
    con = duckdb.connect(":memory:")
    try:
        con.execute("attach ? as rdb (read_only)", [str(reporting_db)])
        tables = {r[0] for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'rdb' and table_schema = 'reporting'").fetchall()}
        if "pipeline_runs" in tables:
            summary.run = _latest_run(con, as_of)
        if "customer_segments" in tables:
            _read_segments(con, summary)
    finally:
        con.close()
    return summary


def _latest_run(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, Any] | None:
    columns = [r[0] for r in con.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = 'rdb' and table_schema = 'reporting' and table_name = 'pipeline_runs' "
        "order by ordinal_position").fetchall()]
    order = next((c for c in TIME_COLUMNS if c in columns), None)
    sql = "select * from rdb.reporting.pipeline_runs where as_of_date = ?"
    if order:
        sql += f' order by "{order}" desc nulls last'
    row = con.execute(sql + " limit 1", [as_of]).fetchone()
    return None if row is None else dict(zip(columns, row))


def _read_segments(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> None:
    head = con.execute(
        "select max(as_of_date), count(*), count(*) filter (where is_key_account) "
        "from rdb.reporting.customer_segments").fetchone()
    summary.published_as_of, summary.customers, summary.key_accounts = head[0], head[1], head[2] or 0
    summary.classes = [(r[0], r[1], float(r[2] or 0.0)) for r in con.execute(
        "select coalesce(abc_revenue, 'unclassified'), count(*), "
        "sum(revenue_12m) / nullif(sum(sum(revenue_12m)) over (), 0) "
        "from rdb.reporting.customer_segments group by 1 order by 1").fetchall()]
    summary.lapse_counts = dict(con.execute(
        "select lapse_status, count(*) from rdb.reporting.customer_segments group by 1").fetchall())
