"""What one extraction run did, per object: the figures the gate and the DAG read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

NIGHTLY, BACKFILL = "nightly", "backfill"


@dataclass
class ObjectReport:
    """Figures of one object in one run (also stored in `meta.extract_runs`).

    rows_read: source rows read this run (file data lines, or table rows since the watermark).
    rows_loaded: rows of those that passed validation (candidates for `raw`).
    rows_quarantined: rows newly written to `quarantine.rows` by this run.
    raw_rows_changed: rows of `raw.<object>` inserted or replaced by this run.
    files: files loaded by this run (all attempts of the run id), by source label.
    files_skipped_unchanged: files found with a content already loaded (not read).
    files_changed: files read again this attempt because their content changed.
    source_errors: files that could not be read at all (then nothing of the object was loaded).
    """

    object: str
    system: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    raw_rows_changed: int = 0
    files: list[str] = field(default_factory=list)
    watermark: datetime | None = None
    files_skipped_unchanged: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)
    source_errors: list[str] = field(default_factory=list)


@dataclass
class ExtractReport:
    """The reports of one run, by object name.

    mode: 'nightly' (the sources were read) or 'backfill' (as_of is before the latest
    extracted as-of date: nothing was read, `objects` is empty).
    """

    run_id: str
    objects: dict[str, ObjectReport] = field(default_factory=dict)
    as_of: date | None = None
    mode: str = NIGHTLY

    def merge(self, other: ExtractReport) -> ExtractReport:
        self.objects.update(other.objects)
        if other.mode == BACKFILL:
            self.mode = BACKFILL
        return self

    @property
    def source_errors(self) -> dict[str, list[str]]:
        """Objects not loaded because a file could not be read, with the errors."""
        return {name: rep.source_errors for name, rep in self.objects.items() if rep.source_errors}

    def to_dict(self) -> dict:
        """Plain JSON-able dict (for XCom and the CLI)."""
        result = {
            "run_id": self.run_id,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "mode": self.mode,
            "objects": {},
        }
        for name, rep in self.objects.items():
            item = asdict(rep)
            item["watermark"] = rep.watermark.isoformat() if rep.watermark else None
            result["objects"][name] = item
        return result
