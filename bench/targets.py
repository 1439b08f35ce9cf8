"""The performance targets of issue 6, evaluated on a benchmark's measurements.

Each target is a ratio or a bound of measured rows (looked up by section and
stage). "Ours" for the three rules is the execution phase of `dbt run` of their
models (the SQL work, as dbt reports it), also shown with dbt's start-up (parsing
the project, loading the adapter) included. A target whose inputs were not measured is reported as `n/a`, never as
passed. The targets are defined at 10M lines; at other scales they are shown for
information (`binding` false).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

BINDING_SCALE = "10m"
GB_MB = 1024.0


@dataclass
class Target:
    name: str
    value: float | None
    op: str
    limit: float
    passed: bool | None
    binding: bool

    def to_dict(self) -> dict:
        return asdict(self)


def _row(rows: list[dict], section: str, stage: str) -> dict | None:
    for row in rows:
        if row["section"] == section and row["stage"] == stage and row.get("returncode", 0) == 0:
            return row
    return None


def _get(rows: list[dict], section: str, stage: str, field: str = "wall_s") -> float | None:
    row = _row(rows, section, stage)
    return None if row is None else row.get(field)


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b in (None, 0) else round(a / b, 3)


def first_night_wall(rows: list[dict]) -> float | None:
    """The whole first night: the kam_nightly run when measured, else the sum of the stages."""
    whole = _get(rows, "first night", "kam_nightly (whole DAG run)")
    if whole is not None:
        return whole
    stages = [_get(rows, "first night", s) for s in ("extraction", "dbt build", "gate", "publish", "export")]
    return None if any(s is None for s in stages) else round(sum(stages), 3)


def evaluate(rows: list[dict], scale: str, other_scale_rows: list[dict] | None = None) -> list[Target]:
    """Every target with its value; `other_scale_rows` are the 1m rows when `scale` is 10m."""
    binding = scale == BINDING_SCALE

    def target(name: str, value: float | None, op: str, limit: float) -> Target:
        passed = None if value is None else (value <= limit if op == "<=" else value >= limit)
        return Target(name, value, op, limit, passed, binding)

    ours_rules = _row(rows, "reference", "ours: dbt models of the three rules")
    reference = _row(rows, "reference", "pandas reference")
    whole = _row(rows, "first night", "kam_nightly (whole DAG run)")
    parse = _row(rows, "dag parse", "DagBag(dags/)")
    targets = [
        target(
            "next night / first night dbt build",
            _ratio(_get(rows, "next night", "dbt build"), _get(rows, "first night", "dbt build")),
            "<=",
            0.15,
        ),
        target(
            "first-night dbt build / floor",
            _ratio(_get(rows, "first night", "dbt build"), _get(rows, "floor", "revenue per customer and month")),
            "<=",
            15,
        ),
        target(
            "reference pandas / ours (three rules), wall",
            _ratio(
                reference and reference["wall_s"],
                ours_rules and (ours_rules.get("dbt_elapsed_s") or ours_rules["wall_s"]),
            ),
            ">=",
            5,
        ),
        target(
            "reference pandas / ours (three rules), wall incl. dbt start-up",
            _ratio(reference and reference["wall_s"], ours_rules and ours_rules["wall_s"]),
            ">=",
            5,
        ),
        target(
            "ours / reference pandas (three rules), peak memory",
            _ratio(ours_rules and ours_rules["peak_rss_mb"], reference and reference["peak_rss_mb"]),
            "<=",
            0.5,
        ),
        target(
            "whole kam_nightly first night peak memory (GB)",
            None if whole is None else round(whole["peak_rss_mb"] / GB_MB, 3),
            "<=",
            4,
        ),
        target("DAG parse (s)", None if parse is None else parse.get("parse_s"), "<=", 1),
    ]
    if other_scale_rows is not None:
        targets.append(
            target("10M / 1M first night", _ratio(first_night_wall(rows), first_night_wall(other_scale_rows)), "<=", 10)
        )
    return targets
