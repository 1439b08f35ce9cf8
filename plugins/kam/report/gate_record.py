"""The gate's checks of a run, as the gate wrote them beside its report (`gate_result.json`).

The report folder of a run is `kam.quality.report.report_folder`; the file holds every check with
its status, observed value and threshold (`kam.quality.GateResult.to_dict()`). A run whose gate left
no such file (an export made outside a pipeline run) has no checks to show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kam.quality.report import report_folder

GATE_RESULT_NAME = "gate_result.json"


@dataclass(frozen=True)
class GateCheck:
    """One check of the gate, with its numbers."""

    name: str
    blocking: bool
    status: str  # passed, failed or warning
    observed: object
    threshold: object
    message: str


def read_gate_checks(report_dir: Path | str, as_of: date, run_id: str) -> list[GateCheck] | None:
    """The checks the gate of `run_id` recorded, in gate order; None when it left no result."""
    path = report_folder(report_dir, as_of, run_id) / GATE_RESULT_NAME
    if not path.is_file():
        return None
    result = json.loads(path.read_text(encoding="utf-8"))
    return [
        GateCheck(c["name"], bool(c["blocking"]), c["status"], c.get("observed"), c.get("threshold"), c["message"])
        for c in result.get("checks") or []
    ]
