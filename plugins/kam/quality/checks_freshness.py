"""Blocking check 5, `freshness`: the newest order `updated_at` of the rows as of D is at most
`freshness_max_hours` before the end of D (D + 1 day, 00:00 UTC).

The rows as of D are `raw.orders` on a nightly run and `raw_history.orders` with
`_as_of_date <= D` on a backfill. Extraction already quarantines a timestamp more than a day
after the extraction; as a second defence no `updated_at` later than the run's start + 1 day
counts here, so a row stamped 2099 cannot make stale data look fresh.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from kam.quality.access import WarehouseAccess
from kam.quality.raw_as_of import RawAsOf
from kam.quality.result import CheckResult
from kam.quality.thresholds import GateThresholds, override_hint, suggested_limit

FUTURE_TOLERANCE = timedelta(days=1)


def _utc(value) -> datetime:
    """A timestamp (datetime, date or ISO text; naive = UTC) as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def run_started_at(access: WarehouseAccess, run_id: str) -> datetime:
    """When the run started: its earliest meta.extract_runs start, else now (the gate runs after the start)."""
    if access.table_exists("meta", "extract_runs"):
        row = access.fetchone("select min(started_at) from meta.extract_runs where run_id = ?", [run_id])
        if row and row[0] is not None:
            return _utc(row[0])
    return datetime.now(timezone.utc)


def check_freshness(access: WarehouseAccess, as_of: date, t: GateThresholds, raw: RawAsOf,
                    started_at: datetime) -> CheckResult:
    limit = t.freshness_max_hours
    end_of_d = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=timezone.utc)
    ceiling = _utc(started_at) + FUTURE_TOLERANCE
    details: dict = {"end_of_as_of_date": end_of_d.isoformat(), "newest_order_updated_at": None,
                     "read_from": raw.label("orders"), "ignored_after": ceiling.isoformat()}
    if not raw.exists("orders"):
        return CheckResult("freshness", True, False, None, limit, f"{raw.label('orders')} not found", details,
                           "check the order-system extraction (source reachable, files delivered), rerun the date")
    ceiling_naive = ceiling.replace(tzinfo=None)
    newest, ignored = access.fetchone(
        f"select max(case when o.updated_at <= ? then o.updated_at end), "
        f"sum(case when o.updated_at > ? then 1 else 0 end) from {raw.relation('orders')} o",
        [ceiling_naive, ceiling_naive])
    details["rows_ignored_as_future"] = int(ignored or 0)
    if newest is None:
        return CheckResult("freshness", True, False, None, limit,
                           f"{raw.label('orders')} holds no order updated by {ceiling:%Y-%m-%d %H:%M} UTC: "
                           "nothing to be fresh", details,
                           "check the order-system extraction (source reachable, files delivered), rerun the date")
    newest = _utc(newest)
    age_hours = (end_of_d - newest).total_seconds() / 3600
    details.update(newest_order_updated_at=newest.isoformat(), age_hours=round(age_hours, 3))
    if age_hours > limit:
        return CheckResult(
            "freshness", True, False, round(age_hours, 2), limit,
            f"newest order updated_at {newest:%Y-%m-%d %H:%M} UTC is {age_hours:.1f} h before the end of "
            f"{as_of}, more than freshness_max_hours {limit:g} h", details,
            "the order system delivered no recent changes: check the ERP export/extraction "
            "(meta.source_reads, meta.watermarks), fix the source, rerun the date; if the data is known to be "
            f"this old, override for this run: "
            f"{override_hint(as_of, 'freshness_max_hours', suggested_limit(age_hours))}")
    relation = f"{age_hours:.1f} h before" if age_hours >= 0 else f"{-age_hours:.1f} h after"
    return CheckResult("freshness", True, True, round(age_hours, 2), limit,
                       f"newest order updated_at {newest:%Y-%m-%d %H:%M} UTC, {relation} the end of {as_of}",
                       details)
