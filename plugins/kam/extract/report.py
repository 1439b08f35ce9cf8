"""What one extraction run did, per object: the figures the gate and the DAG read."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass
class ObjectReport:
    """Figures of one object in one run (also stored in `meta.extract_runs`).

    rows_read: source rows read this run (file rows, or table rows since the watermark).
    rows_loaded: rows of those that passed validation (candidates for `raw`).
    rows_quarantined: rows newly written to `quarantine.rows` by this run.
    raw_rows_changed: rows of `raw.<object>` inserted or replaced by this run.
    """

    object: str
    system: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    raw_rows_changed: int = 0
    files: list[str] = field(default_factory=list)
    watermark: datetime | None = None


@dataclass
class ExtractReport:
    """The reports of one run, by object name."""

    run_id: str
    objects: dict[str, ObjectReport] = field(default_factory=dict)

    def merge(self, other: "ExtractReport") -> "ExtractReport":
        self.objects.update(other.objects)
        return self

    def to_dict(self) -> dict:
        """Plain JSON-able dict (for XCom and the CLI)."""
        result = {"run_id": self.run_id, "objects": {}}
        for name, rep in self.objects.items():
            item = asdict(rep)
            item["watermark"] = rep.watermark.isoformat() if rep.watermark else None
            result["objects"][name] = item
        return result
