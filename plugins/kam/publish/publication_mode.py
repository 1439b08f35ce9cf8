"""How a run is published: every reporting table (nightly) or only its date's history (backfill).

Decided from what is published, not from the plan, so BI never rolls back (docs/decisions/0009).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

NIGHTLY = "nightly"
BACKFILL = "backfill"
MODES = (NIGHTLY, BACKFILL)


@dataclass(frozen=True)
class Publication:
    """The decision: `mode` is how the run is published; `note` says why when it differs from the request."""

    mode: str
    requested: str
    latest_published: date | None
    note: str | None = None


def publication_mode(requested: str, as_of: date, latest_published: date | None) -> Publication:
    """Decide the publication mode of a run of `as_of` given the latest published as-of date."""
    if requested not in MODES:
        raise ValueError(f"publish: mode {requested!r} is not one of {', '.join(MODES)}")
    if latest_published is not None and as_of < latest_published:
        note = (
            None
            if requested == BACKFILL
            else (
                f"as-of {as_of} is before the latest published as-of {latest_published}: published as a backfill "
                "(only its customer_segments_history rows and pipeline_runs row; BI stays on the latest date)"
            )
        )
        return Publication(BACKFILL, requested, latest_published, note)
    note = (
        None
        if requested == NIGHTLY
        else (
            f"as-of {as_of} is not before the latest published as-of {latest_published or 'none'}: "
            "published like a night (every reporting table replaced from the candidates)"
        )
    )
    return Publication(NIGHTLY, requested, latest_published, note)
