"""The run plan of one night: as-of date, mode (nightly or backfill) and the per-run dbt vars.

Computed once by the first task and read by every later one, so all stages act on one decision
(docs/decisions/0009, "Run plan"). `validate_vars` refuses overrides that would mean nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kam.config import DBT_PROJECT_DIR, Settings

log = logging.getLogger(__name__)

NIGHTLY = "nightly"
BACKFILL = "backfill"
MODES = (NIGHTLY, BACKFILL)
BACKFILL_SCHEMA_SUFFIX = "_backfill"
CANDIDATES_SCHEMA = "marts"
# Set by the plan itself (or fixed by the deployment): never a per-run override.
RESERVED_VARS = ("as_of_date", "kam_backfill", "schema_suffix", "published_schema")
DBT_PROJECT_FILE = DBT_PROJECT_DIR / "dbt_project.yml"


def project_vars(project_file: Path = DBT_PROJECT_FILE) -> dict[str, Any]:
    """The `vars` section of dbt_project.yml: every overridable name with its default."""
    import yaml

    project = yaml.safe_load(Path(project_file).read_text()) or {}
    return dict(project.get("vars") or {})


def _kind(value: Any) -> str:
    """The JSON kind a var value is compared by: numbers are one kind (int or float)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def validate_vars(overrides: Any, known: dict[str, Any] | None = None) -> dict[str, Any]:
    """`overrides` checked against the dbt project's vars; returns them as a new dict.

    Raises ValueError naming the first offending var (in name order): not an object,
    a reserved var, a name dbt_project.yml does not define, or a value whose kind
    (number, string, boolean...) is not its default's.
    """
    if overrides is None:
        return {}
    if not isinstance(overrides, dict):
        raise ValueError(f"vars must be a JSON object of dbt vars, got {_kind(overrides)} {overrides!r}")
    known = project_vars() if known is None else known
    for name in sorted(overrides):
        value = overrides[name]
        if name in RESERVED_VARS:
            raise ValueError(
                f"dbt var {name!r} cannot be overridden per run: the run plan sets it "
                f"(reserved: {', '.join(RESERVED_VARS)})"
            )
        if name not in known:
            raise ValueError(
                f"unknown dbt var {name!r} in vars: not in dbt_project.yml (known: "
                f"{', '.join(sorted(n for n in known if n not in RESERVED_VARS))})"
            )
        default = known[name]
        if default is not None and _kind(value) != _kind(default):
            raise ValueError(
                f"dbt var {name!r} must be a {_kind(default)} like its default {default!r}, "
                f"got {_kind(value)} {value!r}"
            )
    return dict(overrides)


def decide_mode(as_of: date, latest_extracted_as_of: date | None) -> str:
    """`backfill` when D is older than the latest extracted as-of date, else `nightly`."""
    if latest_extracted_as_of is not None and as_of < latest_extracted_as_of:
        return BACKFILL
    return NIGHTLY


@dataclass(frozen=True)
class RunPlan:
    """What one run does; pushed to XCom by `plan` as `to_dict()`."""

    as_of: date
    mode: str = NIGHTLY
    vars: dict[str, Any] = field(default_factory=dict)
    latest_extracted_as_of: date | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"run plan mode must be one of {MODES}, got {self.mode!r}")

    @property
    def is_backfill(self) -> bool:
        return self.mode == BACKFILL

    @property
    def schema_suffix(self) -> str:
        return BACKFILL_SCHEMA_SUFFIX if self.is_backfill else ""

    @property
    def candidates_schema(self) -> str:
        """Where dbt leaves this run's candidates: `marts` or `marts_backfill`."""
        return CANDIDATES_SCHEMA + self.schema_suffix

    @property
    def full_refresh(self) -> bool:
        """A backfill rebuilds every model from the raw versions known by D."""
        return self.is_backfill

    def dbt_vars(self) -> dict[str, Any]:
        """The `--vars` of this run's dbt: the overrides, then a backfill's mode (a nightly's is
        the project's default). Not D: it goes in the environment (`kam.dbt_env.as_of_env`), so
        the vars of a mode are the same every night and dbt reuses its parse
        (docs/decisions/0018-dbt-parses-once.md)."""
        backfill = {"kam_backfill": True, "schema_suffix": self.schema_suffix} if self.is_backfill else {}
        return {**self.vars, **backfill}

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "mode": self.mode,
            "candidates_schema": self.candidates_schema,
            "schema_suffix": self.schema_suffix,
            "vars": dict(self.vars),
            "latest_extracted_as_of": None
            if self.latest_extracted_as_of is None
            else self.latest_extracted_as_of.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunPlan:
        """The plan from its `to_dict()` (derived keys are recomputed, not trusted)."""
        latest = data.get("latest_extracted_as_of")
        return cls(
            as_of=date.fromisoformat(str(data["as_of"])),
            mode=str(data["mode"]),
            vars=dict(data.get("vars") or {}),
            latest_extracted_as_of=None if latest in (None, "") else date.fromisoformat(str(latest)),
        )


def extraction_warehouse(settings: Settings) -> Path:
    """The DuckDB file extraction writes `meta.*` to: the warehouse, or the landing file of a PostgreSQL one."""
    from kam.warehouse import open_warehouse

    return open_warehouse(settings).landing_path


def read_latest_extracted_as_of(settings: Settings) -> date | None:
    """The latest as-of date any extraction ran for (None: nothing extracted yet)."""
    path = extraction_warehouse(settings)
    if not path.is_file():
        return None
    from kam.extract.meta_tables import latest_extracted_as_of
    from kam.warehouse import connect

    con = connect(settings, read_only=True, path=path)
    try:
        latest = latest_extracted_as_of(con)
    finally:
        con.close()
    if latest is None or isinstance(latest, date):
        return latest
    return date.fromisoformat(str(latest)[:10])


def reconcile(settings: Settings) -> None:
    """Settle a publication a kill interrupted (`kam.publish.reconcile_publishing`)."""
    from kam.publish import reconcile_publishing

    outcome = reconcile_publishing(settings)
    if outcome:
        log.info("reconciled publishing: %s", outcome)


def plan_run(settings: Settings, as_of: date, overrides: Any = None) -> RunPlan:
    """Validate the overrides, settle an interrupted publication, then decide the mode for D."""
    validated = validate_vars(overrides)
    reconcile(settings)
    latest = read_latest_extracted_as_of(settings)
    return RunPlan(as_of=as_of, mode=decide_mode(as_of, latest), vars=validated, latest_extracted_as_of=latest)
