"""The gate's thresholds, read from the dbt vars so every rule default lives in one place.

`dbt_project/dbt_project.yml` (section `vars`) holds `quarantine_max_share`,
`max_row_change`, `freshness_max_hours` and `abc_a_share` (and `reporting_currency`,
for the orders-without-rate warning); `gate_vars` passed to
`run_gate` override them for one run (the same overrides given to dbt).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from kam.config import DBT_PROJECT_DIR

DBT_PROJECT_FILE = DBT_PROJECT_DIR / "dbt_project.yml"


@dataclass(frozen=True)
class GateThresholds:
    quarantine_max_share: float  # quarantined rows / rows read, per object, at most
    max_row_change: float  # |candidate - last published| / last published, at most
    freshness_max_hours: float  # newest order updated_at at most this long before the end of D
    abc_a_share: float  # class A holds at least this share of revenue
    reporting_currency: str = "EUR"  # orders in it need no exchange rate

    def as_dict(self) -> dict:
        return asdict(self)


def load_thresholds(overrides: dict | None = None, project_file: Path = DBT_PROJECT_FILE) -> GateThresholds:
    """Thresholds from the dbt vars, with `overrides` (dbt var names) applied on top."""
    try:
        project = yaml.safe_load(Path(project_file).read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read the gate thresholds from {project_file}: {exc}") from exc
    values = dict(project.get("vars") or {})
    values.update(overrides or {})
    parsed: dict = {"reporting_currency": str(values.get("reporting_currency") or "EUR").upper()}
    for name in ("quarantine_max_share", "max_row_change", "freshness_max_hours", "abc_a_share"):
        if values.get(name) is None:
            raise ValueError(f"dbt var {name!r} is missing in {project_file} (vars section) and in gate_vars")
        try:
            parsed[name] = float(values[name])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"dbt var {name!r} must be a number, got {values[name]!r}") from exc
    return GateThresholds(**parsed)
