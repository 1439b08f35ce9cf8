"""The gate's thresholds, read from the dbt vars so every rule default lives in one place.

`dbt_project/dbt_project.yml` (section `vars`) holds `quarantine_max_share`,
`max_row_change`, `freshness_max_hours` and `abc_a_share` (and `reporting_currency`,
for the orders-without-rate warning; `margin_coverage_min` defaults to 0.9 when it is
not a dbt var). `gate_vars` passed to `run_gate` override every one of them for one run:
they are the run's `vars` (the DAG param, `make run VARS=...`), the same overrides dbt gets.
`override_hint` says how an operator passes such an override.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from kam.config import DBT_PROJECT_DIR

DBT_PROJECT_FILE = DBT_PROJECT_DIR / "dbt_project.yml"
DAG_ID = "kam_nightly"
DEFAULTS = {"reporting_currency": "EUR", "margin_coverage_min": 0.9}  # when not a dbt var
REQUIRED = ("quarantine_max_share", "max_row_change", "freshness_max_hours", "abc_a_share")


@dataclass(frozen=True)
class GateThresholds:
    quarantine_max_share: float  # open bad rows / rows delivered for D, per object, at most
    max_row_change: float  # |candidate - last published| / last published, at most
    freshness_max_hours: float  # newest order updated_at at most this long before the end of D
    abc_a_share: float  # class A holds at least this share of revenue
    reporting_currency: str = "EUR"  # orders in it need no exchange rate
    margin_coverage_min: float = 0.9  # warning below this margin_coverage per customer

    def as_dict(self) -> dict:
        return asdict(self)


def load_thresholds(overrides: dict | None = None, project_file: Path = DBT_PROJECT_FILE) -> GateThresholds:
    """Thresholds from the dbt vars, with `overrides` (dbt var names) applied on top."""
    try:
        project = yaml.safe_load(Path(project_file).read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read the gate thresholds from {project_file}: {exc}") from exc
    values = {**DEFAULTS, **{k: v for k, v in (project.get("vars") or {}).items() if v is not None}}
    values.update(overrides or {})
    parsed: dict = {"reporting_currency": str(values.get("reporting_currency") or "EUR").upper()}
    for name in (*REQUIRED, "margin_coverage_min"):
        if values.get(name) is None:
            raise ValueError(f"dbt var {name!r} is missing in {project_file} (vars section) and in gate_vars")
        if isinstance(values[name], bool):
            raise ValueError(f"dbt var {name!r} must be a number, got {values[name]!r}")
        try:
            parsed[name] = float(values[name])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"dbt var {name!r} must be a number, got {values[name]!r}") from exc
    return GateThresholds(**parsed)


def override_hint(as_of, name: str, value) -> str:
    """How to rerun date `as_of` with threshold `name` set to `value`, both ways that exist."""
    run_vars = json.dumps({name: value})
    conf = json.dumps({"as_of": str(as_of), "vars": {name: value}})
    return f"make run AS_OF={as_of} VARS='{run_vars}' (or: airflow dags trigger {DAG_ID} -c '{conf}')"


def suggested_limit(observed: float) -> float:
    """The observed value rounded up to two decimals: the smallest plain limit it passes."""
    return math.ceil(abs(observed) * 100 - 1e-9) / 100
