"""The UTC date of a source timestamp as the contract reads it, for slicing deliveries by night.

Independent of kam.extract on purpose: the replayer decides which night a row arrives in
from the contract (sources.md, conventions), not from the code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc_date(text: str) -> date | None:
    """The UTC date of an ISO 8601 timestamp or plain date; None when it is not one."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).date()


def utc_instant(text: str) -> datetime | None:
    """The instant of a timestamp as a naive UTC datetime (how raw stores it); None when unparseable."""
    value = (text or "").strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed
    return parsed.astimezone(UTC).replace(tzinfo=None)
