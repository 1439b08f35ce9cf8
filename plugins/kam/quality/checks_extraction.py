"""Blocking checks of this run's extraction: quarantine share per object, and freshness of orders."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from kam.quality.access import WarehouseAccess
from kam.quality.result import CheckResult
from kam.quality.thresholds import GateThresholds


def check_quarantine_share(access: WarehouseAccess, run_id: str, t: GateThresholds) -> CheckResult:
    """Rows of this run in quarantine.rows, per object, over the rows read this run
    (meta.extract_runs); at most `quarantine_max_share`. An object with nothing read and
    nothing quarantined passes (0 of 0)."""
    limit = t.quarantine_max_share
    read: dict[str, dict] = {}
    if access.table_exists("meta", "extract_runs"):
        for obj, rows_read, rows_quarantined in access.fetchall(
                "select object, sum(rows_read), sum(rows_quarantined) from meta.extract_runs "
                "where run_id = ? group by object", [run_id]):
            read[obj] = {"rows_read": int(rows_read or 0), "rows_quarantined_reported": int(rows_quarantined or 0)}
    quarantined: dict[str, int] = {}
    if access.table_exists("quarantine", "rows"):
        quarantined = {obj: int(n) for obj, n in access.fetchall(
            "select object, count(*) from quarantine.rows where run_id = ? group by object", [run_id])}

    per_object = {}
    failing = []
    for obj in sorted(set(read) | set(quarantined)):
        rows_read = read.get(obj, {}).get("rows_read", 0)
        rows_q = quarantined.get(obj, 0)
        if rows_read:
            share = rows_q / rows_read
        else:
            share = 0.0 if rows_q == 0 else 1.0  # quarantined rows with nothing read: count it as all
        ok = share <= limit
        per_object[obj] = {**read.get(obj, {"rows_read": 0}), "rows_quarantined": rows_q,
                           "share": share, "passed": ok}
        if not ok:
            failing.append(obj)

    worst = max((v["share"] for v in per_object.values()), default=0.0)
    details = {"run_id": run_id, "objects": per_object}
    if not per_object:
        details["note"] = "no extraction recorded for this run in meta.extract_runs: 0 of 0 rows"
    if failing:
        parts = [f"{o} {per_object[o]['share']:.2%} ({per_object[o]['rows_quarantined']} of "
                 f"{per_object[o]['rows_read']} rows)" for o in failing]
        objects = ", ".join(f"'{o}'" for o in failing)
        return CheckResult(
            "quarantine_share", True, False, worst, limit,
            f"quarantine share above {limit:.2%} for {', '.join(parts)}", details,
            f"inspect quarantine.rows where run_id = '{run_id}' and object in ({objects}) (column reason), "
            "fix the source, rerun the date")
    return CheckResult("quarantine_share", True, True, worst, limit,
                       f"quarantine share at most {worst:.2%} per object (limit {limit:.2%})", details)


def check_freshness(access: WarehouseAccess, as_of: date, t: GateThresholds) -> CheckResult:
    """The newest raw.orders.updated_at (UTC) is at most `freshness_max_hours` before the
    end of D (D + 1 day, 00:00 UTC)."""
    limit = t.freshness_max_hours
    end_of_d = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=timezone.utc)
    newest = None
    if access.table_exists("raw", "orders"):
        newest = access.fetchone("select max(updated_at) from raw.orders")[0]
    details = {"end_of_as_of_date": end_of_d.isoformat(), "newest_order_updated_at": None}
    if newest is None:
        return CheckResult("freshness", True, False, None, limit,
                           "raw.orders holds no orders: nothing to be fresh", details,
                           "check the order-system extraction (source reachable, files delivered), rerun the date")
    if isinstance(newest, date) and not isinstance(newest, datetime):
        newest = datetime.combine(newest, time(0))
    newest = newest.replace(tzinfo=timezone.utc) if newest.tzinfo is None else newest.astimezone(timezone.utc)
    age_hours = (end_of_d - newest).total_seconds() / 3600
    details.update(newest_order_updated_at=newest.isoformat(), age_hours=round(age_hours, 3))
    if age_hours > limit:
        return CheckResult(
            "freshness", True, False, round(age_hours, 2), limit,
            f"newest order updated_at {newest:%Y-%m-%d %H:%M} UTC is {age_hours:.1f} h before the end of "
            f"{as_of}, more than freshness_max_hours {limit:g} h", details,
            "the order system delivered no recent changes: check the ERP export/extraction "
            "(meta.loaded_files, meta.watermarks), fix the source, rerun the date")
    relation = f"{age_hours:.1f} h before" if age_hours >= 0 else f"{-age_hours:.1f} h after"
    return CheckResult("freshness", True, True, round(age_hours, 2), limit,
                       f"newest order updated_at {newest:%Y-%m-%d %H:%M} UTC, {relation} the end of {as_of}",
                       details)
