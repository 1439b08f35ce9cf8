"""The one exception extraction raises for a source it cannot read as the contract says."""

from __future__ import annotations


class ExtractError(RuntimeError):
    """A source is unreadable or breaks the contract as a whole (e.g. a missing column).

    Row-level problems never raise: those rows go to `quarantine.rows`.
    """


class FileUnreadable(ExtractError):
    """One file of an object cannot be read at all (not CSV/JSONL/Parquet, a missing
    required column, a header naming a column twice, an undecodable structure).

    Extraction records it in `meta.source_errors`, loads no file of that object that
    night and goes on with the other objects (decision 0009, "What was read").
    """

    def __init__(self, object: str, source: str, reason: str, column: str | None = None):
        self.object = object
        self.source = source
        self.column = column
        self.reason = reason
        super().__init__(f"{object}: {reason} in {source}")
