"""The one exception extraction raises for a source it cannot read as the contract says."""
from __future__ import annotations


class ExtractError(RuntimeError):
    """A source is unreadable or breaks the contract as a whole (e.g. a missing column).

    Row-level problems never raise: those rows go to `quarantine.rows`.
    """
