"""The performance targets of issue 11, evaluated on a benchmark's measurements.

Each target is a ratio or a bound of measured rows (looked up by section and
stage), with the scale it binds at; at other scales it is shown for information
(`binding` false). A target that compares two scales (next night 10M / 1M,
100M / 10M) is evaluated only in the run of the larger scale, with the rows of
the smaller one from its results file. A target whose inputs were not measured
is `n/a`, never passed; a pandas reference killed over its memory cap makes its
targets `n/a` with the outcome as the note.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

GB_MB = 1024.0
DAG = "kam_nightly (whole DAG run)"
OURS_RULES = ("reference", "ours: dbt models of the three rules")
PANDAS = ("reference", "pandas reference")
FLOOR = ("floor", "revenue per customer and month")
EXAMPLE = ("worked example", DAG)


@dataclass
class Target:
    name: str
    value: float | None
    op: str
    limit: float
    passed: bool | None
    binding: bool
    scale: str
    unit: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def _row(rows: list[dict], section: str, stage: str) -> dict | None:
    for row in rows:
        if row["section"] == section and row["stage"] == stage and row.get("returncode", 0) == 0:
            return row
    return None


def _get(rows: list[dict] | None, section: str, stage: str, field: str = "wall_s") -> float | None:
    row = None if rows is None else _row(rows, section, stage)
    return None if row is None else row.get(field)


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b in (None, 0) else round(a / b, 3)


def _gb(mb: float | None) -> float | None:
    return None if mb is None else round(mb / GB_MB, 3)


def _first_night_dag_peak_gb(rows: list[dict], _other: list[dict] | None) -> float | None:
    """Peak RSS of the first night's whole DAG run (its process tree), in GB."""
    return _gb(_get(rows, "first night", DAG, field="peak_rss_mb"))


@dataclass(frozen=True)
class Spec:
    """One target of the issue: its name, the scale it binds at, the bound, how its value is computed."""

    name: str
    scale: str
    op: str
    limit: float
    value: Callable[[list[dict], dict[str, list[dict]]], float | None]
    unit: str = ""
    needs_pandas: bool = False
    across: str | None = None  # the smaller scale of a two-scale target


def _next_over_first(section_stage: str):
    return lambda rows, _: _ratio(_get(rows, "next night", section_stage), _get(rows, "first night", section_stage))


def _over_floor(stage: str):
    return lambda rows, _: _ratio(_get(rows, "first night", stage), _get(rows, *FLOOR))


def _next_dag_over(scale: str):
    return lambda rows, others: _ratio(_get(rows, "next night", DAG), _get(others.get(scale), "next night", DAG))


def _pandas_over_ours(rows, _):
    return _ratio(_get(rows, *PANDAS), _get(rows, *OURS_RULES))


def _ours_over_pandas_memory(rows, _):
    return _ratio(_get(rows, *OURS_RULES, field="peak_rss_mb"), _get(rows, *PANDAS, field="peak_rss_mb"))


PANDAS_OVER_OURS = "pandas / ours, the three rules, whole process wall (dbt start-up included)"
SPECS = (
    Spec("next night / first night, whole DAG, 10M", "10m", "<=", 0.20, _next_over_first(DAG)),
    Spec("next night / first night, dbt build, 10M", "10m", "<=", 0.15, _next_over_first("dbt build")),
    Spec(
        "next night 10M / next night 1M, whole DAG (cost follows the delta)",
        "10m",
        "<=",
        1.5,
        _next_dag_over("1m"),
        across="1m",
    ),
    Spec("first-night dbt build / floor, 10M", "10m", "<=", 10, _over_floor("dbt build")),
    Spec(
        "worked-example night (fixed cost) / first night 10M, whole DAG",
        "10m",
        "<=",
        0.10,
        lambda rows, _: _ratio(_get(rows, *EXAMPLE), _get(rows, "first night", DAG)),
    ),
    Spec(f"{PANDAS_OVER_OURS}, 10M", "10m", ">=", 5, _pandas_over_ours, needs_pandas=True),
    Spec(f"{PANDAS_OVER_OURS}, 1M", "1m", ">=", 2, _pandas_over_ours, needs_pandas=True),
    Spec("ours / pandas, peak memory, 10M", "10m", "<=", 0.40, _ours_over_pandas_memory, needs_pandas=True),
    Spec("gate / floor, 10M", "10m", "<=", 2, _over_floor("gate")),
    Spec("export / floor, 10M", "10m", "<=", 2, _over_floor("export")),
    Spec("next night 100M / next night 10M, whole DAG", "100m", "<=", 2, _next_dag_over("10m"), across="10m"),
    Spec("whole-run peak memory, 10M", "10m", "<=", 2.5, _first_night_dag_peak_gb, unit="GB"),
    Spec("whole-run peak memory, 100M (first night)", "100m", "<=", 12, _first_night_dag_peak_gb, unit="GB"),
)


def pandas_outcome(rows: list[dict]) -> str:
    """ "out of memory at X GB" when the pandas reference was killed over its cap, else ""."""
    for row in rows:
        if (row["section"], row["stage"]) == PANDAS and row.get("out_of_memory"):
            return f"pandas out of memory at {row.get('memory_limit_gb', _gb(row['peak_rss_mb']))} GB"
    return ""


def evaluate(rows: list[dict], scale: str, other_scales: dict[str, list[dict]] | None = None) -> list[Target]:
    """Every target that applies to a run of `scale`; `other_scales` holds the rows of other scales' results."""
    others = other_scales or {}
    oom = pandas_outcome(rows)
    targets = []
    for spec in SPECS:
        if spec.across is not None and spec.scale != scale:
            continue  # a two-scale target belongs to the run of its larger scale
        value = spec.value(rows, others)
        passed = None if value is None else (value <= spec.limit if spec.op == "<=" else value >= spec.limit)
        note = oom if spec.needs_pandas and oom else ""
        if spec.across is not None and spec.across not in others:
            note = f"no bench_{spec.across}.json in the results folder"
        targets.append(
            Target(spec.name, value, spec.op, spec.limit, passed, spec.scale == scale, spec.scale, spec.unit, note)
        )
    return targets
