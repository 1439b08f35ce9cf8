"""What the data-quality gate decided: one `CheckResult` per check, gathered in a `GateResult`."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

SOURCE_CHECK = "source_files_readable"  # the first check: a file extraction could not read


@dataclass
class CheckResult:
    """One check: blocking or a warning, passed or not, with its numbers.

    `observed` and `threshold` are what was measured and what it was compared
    with (numbers, or a short text); `message` says it in a sentence; `action`
    says what to do when the check did not pass; `details` holds the evidence
    (per object, sample rows, the Great Expectations results that judged it). `consequence_of` names
    the failed check this failure may follow from (an unreadable source file: its
    object was not loaded, so the derived checks may fail because of it).
    """

    name: str
    blocking: bool
    passed: bool
    observed: Any = None
    threshold: Any = None
    message: str = ""
    details: dict = field(default_factory=dict)
    action: str = ""
    consequence_of: str | None = None

    @property
    def status(self) -> str:
        if self.passed:
            return "passed"
        return "failed" if self.blocking else "warning"

    def brief(self) -> dict:
        """Name and numbers, for `pipeline_runs.failed_checks` / `warnings` and alerts."""
        brief = {"name": self.name, "observed": self.observed, "threshold": self.threshold, "message": self.message}
        if self.consequence_of:
            brief["consequence_of"] = self.consequence_of
        if self.name == SOURCE_CHECK and self.details.get("errors"):
            brief["errors"] = [{k: e.get(k) for k in ("object", "source", "error")} for e in self.details["errors"]]
        return brief

    def line(self) -> str:
        """One readable line: name, status, message, numbers, what to do."""
        text = f"{self.name} [{self.status}]: {self.message}"
        numbers = f"observed {short(self.observed)}, threshold {short(self.threshold)}"
        if numbers not in text:
            text += f" ({numbers})"
        if self.action and not self.passed:
            text += f" -> {self.action}"
        return text


def not_evaluated(name: str, message: str, action: str, threshold: Any = None, details: dict | None = None):
    """A blocking check that could not be evaluated: it fails, so the gate fails closed."""
    return CheckResult(name, True, False, None, threshold, message, details or {}, action)


@dataclass
class GateResult:
    """The gate's verdict for one run: publish only when `passed`."""

    run_id: str
    as_of: date
    checks: list[CheckResult]
    validation: list = field(default_factory=list)  # the GX checkpoint's validation results, as JSON
    thresholds: dict = field(default_factory=dict)
    created_at: str = ""

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks if c.blocking)

    @property
    def failed_checks(self) -> list[CheckResult]:
        """Blocking checks that did not pass (these block publication)."""
        return [c for c in self.checks if c.blocking and not c.passed]

    @property
    def warnings(self) -> list[CheckResult]:
        """Non-blocking checks that did not pass (recorded with the run)."""
        return [c for c in self.checks if not c.blocking and not c.passed]

    def check(self, name: str) -> CheckResult:
        return next(c for c in self.checks if c.name == name)

    def summary(self) -> str:
        """A headline, then one line per failed check and per warning."""
        verdict = "passed" if self.passed else "BLOCKED"
        head = (
            f"data-quality gate {verdict} for as-of {self.as_of} (run {self.run_id}): "
            f"{len(self.checks)} checks, {len(self.failed_checks)} failed, {len(self.warnings)} warnings"
        )
        lines = [head]
        failed = self.failed_checks
        sources = [c for c in failed if c.name == SOURCE_CHECK]
        lines += [f"  FAILED {c.line()}" for c in sources]
        if sources and len(failed) > 1:
            lines.append(f"  the checks below may fail because of {SOURCE_CHECK}:")
        lines += [f"  FAILED {c.line()}" for c in failed if c.name != SOURCE_CHECK]
        lines += [f"  warning {c.line()}" for c in self.warnings]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Everything as JSON values; `failed_checks` and `warnings` are lists of
        {name, observed, threshold, message}."""
        return jsonable(
            {
                "run_id": self.run_id,
                "as_of_date": self.as_of,
                "created_at": self.created_at,
                "passed": self.passed,
                "failed_checks": [c.brief() for c in self.failed_checks],
                "warnings": [c.brief() for c in self.warnings],
                "thresholds": self.thresholds,
                "checks": [{**asdict(c), "status": c.status} for c in self.checks],
            }
        )

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def short(value: Any) -> str:
    """A number as the gate shows it (6 significant digits), or the value as text."""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def jsonable(value: Any) -> Any:
    """Plain JSON values: dates as ISO text, decimals and numpy scalars as numbers, NaN as null."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas missing values
        return None
    if hasattr(value, "item"):  # numpy / pandas scalar
        return jsonable(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
