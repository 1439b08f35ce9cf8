"""Blocking check `freshness`: the newest order `updated_at` as of D is at most
`freshness_max_hours` before the end of D (D + 1 day, 00:00 UTC).

The orders as of D are dbt's `stg_erp__orders` of the candidates' family (`staging`, or
`staging_backfill`, which reads `raw_history` as of D; its `meta.gate_reads` brings it back from Spark). Extraction quarantines a timestamp
more than a day after the extraction; as a second defence no `updated_at` later than the
run's start + 1 day counts, so a row stamped 2099 cannot make stale data look fresh.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from kam.quality.gx_gate import Observation
from kam.quality.result import CheckResult, not_evaluated
from kam.quality.thresholds import GateThresholds, override_hint, suggested_limit

FUTURE_TOLERANCE = timedelta(days=1)


def _utc(value) -> datetime:
    """A timestamp (datetime, date or ISO text; naive = UTC) as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def run_started_at(wh, run_id: str) -> datetime:
    """When the run started: its earliest meta.extract_runs start, else now (the gate runs after the start)."""
    if wh.table_exists("meta", "extract_runs"):
        row = wh.fetchone("select min(started_at) from meta.extract_runs where run_id = ?", [run_id])
        if row and row[0] is not None:
            return _utc(row[0])
    return datetime.now(UTC)


def observe_freshness(wh, as_of: date, t: GateThresholds, staging: str, started: datetime) -> CheckResult | Observation:
    limit, orders = t.freshness_max_hours, f"{staging}.stg_erp__orders"
    end_of_d = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=UTC)
    ceiling = _utc(started) + FUTURE_TOLERANCE
    details: dict = {
        "end_of_as_of_date": end_of_d.isoformat(),
        "newest_order_updated_at": None,
        "read_from": orders,
        "ignored_after": ceiling.isoformat(),
    }
    action = "check the order-system extraction (source reachable, files delivered), rerun the date"
    if not wh.table_exists(staging, "stg_erp__orders"):
        return not_evaluated("freshness", f"{orders} not found", action, limit, details)
    below, above = "case when updated_at <= ? then updated_at end", "case when updated_at > ? then 1 else 0 end"
    newest, ignored = wh.fetchone(
        f"select max({below}), sum({above}) from {orders}", [ceiling.replace(tzinfo=None)] * 2
    )
    details["rows_ignored_as_future"] = int(ignored or 0)
    if newest is None:
        message = f"{orders} holds no order updated by {ceiling:%Y-%m-%d %H:%M} UTC: nothing to be fresh"
        return not_evaluated("freshness", message, action, limit, details)
    newest = _utc(newest)
    age = (end_of_d - newest).total_seconds() / 3600
    details.update(newest_order_updated_at=newest.isoformat(), age_hours=round(age, 3))
    relation = f"{age:.1f} h before" if age >= 0 else f"{-age:.1f} h after"
    message = f"newest order updated_at {newest:%Y-%m-%d %H:%M} UTC, {relation} the end of {as_of}"
    check = CheckResult("freshness", True, True, round(age, 2), limit, message, details)
    hint = override_hint(as_of, "freshness_max_hours", suggested_limit(age))
    return Observation(
        check,
        [("orders", age)],
        lambda _: (
            f"newest order updated_at {newest:%Y-%m-%d %H:%M} UTC is {age:.1f} h before the end of "
            f"{as_of}, more than freshness_max_hours {limit:g} h",
            "the order system delivered no recent changes: check the ERP export/extraction (meta.source_reads, "
            f"meta.watermarks), fix the source, rerun the date; if the data is known to be this old, override for "
            f"this run: {hint}",
        ),
    )
