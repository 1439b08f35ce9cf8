"""Spark beside DuckDB: the Spark run's rows next to the DuckDB rows of the same scale (bench_<scale>.json).

`side_by_side(spark, duckdb)` is the Markdown section of bench_<scale>_spark.md: per night the total
and every stage (the Spark-only ones, the Parquet hand-off and the copy back, have no DuckDB figure),
"Spark is N× slower" and each stage's share of the Spark night, the whole-DAG nights, and where dbt's
time goes (per resource type, the slowest nodes with their DuckDB time when DuckDB kept it).
"""

from __future__ import annotations

from bench.targets import DAG

NIGHTS = ("first night", "next night")
HANDOFF = "Parquet hand-off to Spark"
COPY_BACK = "copy back to the serving DuckDB"
NIGHT_STAGES = ("extraction", HANDOFF, "dbt build", COPY_BACK, "gate", "publish", "export")
WHOLE_NIGHTS = (("first night", DAG), ("next night", DAG), ("worked example", DAG))


def _rows(result: dict | None) -> dict[tuple[str, str], dict]:
    return {} if result is None else {(r["section"], r["stage"]): r for r in result["rows"]}


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _ratio(spark: float | None, duckdb: float | None) -> str:
    return "—" if spark is None or not duckdb else f"{spark / duckdb:,.1f}×"


def _rss(row: dict | None) -> str:
    return "—" if row is None else f"{row['peak_rss_mb']:,.0f}"


def _wall(row: dict | None, measure: str = "wall_s") -> float | None:
    return None if row is None or row["returncode"] != 0 else row[measure]


def night_totals(result: dict | None, section: str, measure: str = "wall_s") -> float | None:
    """A night's stage rows summed, wall seconds (or `measure`: `cpu_s`); None when one of them failed
    or the night has none."""
    rows = _rows(result)
    walls = [_wall(rows.get((section, stage)), measure) for stage in NIGHT_STAGES if (section, stage) in rows]
    return None if not walls or None in walls else round(sum(walls), 3)


def _night_table(section: str, spark: dict, duckdb: dict | None) -> list[str]:
    ours, theirs = _rows(spark), _rows(duckdb)
    if not any((section, stage) in ours for stage in NIGHT_STAGES):
        return []
    spark_total, duckdb_total = night_totals(spark, section), night_totals(duckdb, section)
    spark_cpu, duckdb_cpu = night_totals(spark, section, "cpu_s"), night_totals(duckdb, section, "cpu_s")
    failed = [stage for stage in NIGHT_STAGES if (section, stage) in ours and _wall(ours[(section, stage)]) is None]
    spark_text = _s(spark_total)
    if failed:  # what the stages that did run took, at least
        done = sum(_wall(ours[(section, stage)]) or 0.0 for stage in NIGHT_STAGES if (section, stage) in ours)
        spark_text = f"≥ {done:,.1f} ({', '.join(failed)} failed)"
    lines = [
        f"### {section}: Spark {spark_text} s, DuckDB {_s(duckdb_total)} s "
        f"(Spark is {_ratio(spark_total, duckdb_total)} slower; CPU {_s(spark_cpu)} s against {_s(duckdb_cpu)} s, "
        f"{_ratio(spark_cpu, duckdb_cpu)})",
        "",
        "| stage | DuckDB wall s | Spark wall s | Spark / DuckDB | Spark share of its night | DuckDB CPU s "
        "| Spark CPU s | Spark / DuckDB, CPU | Spark peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stage in NIGHT_STAGES:
        row = ours.get((section, stage))
        if row is None:
            continue
        other = theirs.get((section, stage))
        spark_wall, duckdb_wall = _wall(row), _wall(other)
        cpu, duckdb_cpu = _wall(row, "cpu_s"), _wall(other, "cpu_s")
        share = "—" if spark_wall is None or not spark_total else f"{100 * spark_wall / spark_total:.0f} %"
        lines.append(
            f"| {stage} | {_s(duckdb_wall)} | {_s(spark_wall) if spark_wall is not None else 'FAILED'} | "
            f"{_ratio(spark_wall, duckdb_wall)} | {share} | {_s(duckdb_cpu)} | {_s(row['cpu_s'])} | "
            f"{_ratio(cpu, duckdb_cpu)} | {row['peak_rss_mb']:,.0f} |"
        )
    return [*lines, ""]


def _whole_nights(spark: dict, duckdb: dict | None) -> list[str]:
    ours, theirs = _rows(spark), _rows(duckdb)
    measured = [key for key in WHOLE_NIGHTS if key in ours]
    if not measured:
        return []
    lines = [
        "### Whole kam_nightly DAG runs (airflow dags test, whole process tree)",
        "",
        "| night | DuckDB wall s | Spark wall s | Spark / DuckDB | DuckDB CPU s | Spark CPU s | DuckDB peak RSS MB "
        "| Spark peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in measured:
        row, other = ours[key], theirs.get(key)
        lines.append(
            f"| {key[0]} | {_s(_wall(other))} | {_s(_wall(row))} | {_ratio(_wall(row), _wall(other))} | "
            f"{_s(_wall(other, 'cpu_s'))} | {_s(_wall(row, 'cpu_s'))} | {_rss(other)} | {_rss(row)} |"
        )
    return [*lines, ""]


def _dbt_time(spark: dict, duckdb: dict | None) -> list[str]:
    ours, theirs = _rows(spark), _rows(duckdb)
    lines = []
    for section in NIGHTS:
        row, other = ours.get((section, "dbt build")), theirs.get((section, "dbt build"))
        if not row or not row.get("dbt"):
            continue
        profile, duck = row["dbt"], (other or {}).get("dbt") or {}
        lines += [
            f"### {section}: where dbt's time goes (run_results.json; execution phase Spark "
            f"{_s(profile.get('elapsed_s'))} s, DuckDB {_s(duck.get('elapsed_s'))} s)",
            "",
            "| resource type | nodes | DuckDB execution s (summed) | Spark execution s (summed) | Spark / DuckDB |",
            "|---|---:|---:|---:|---:|",
        ]
        for kind, spent in profile["per_type"].items():
            duck_spent = duck.get("per_type", {}).get(kind, {}).get("execution_s")
            lines.append(
                f"| {kind} | {spent['nodes']} | {_s(duck_spent)} | {_s(spent['execution_s'])} | "
                f"{_ratio(spent['execution_s'], duck_spent)} |"
            )
        duck_slowest = {n["node"]: n["execution_s"] for n in duck.get("slowest", [])}
        floor = min(duck_slowest.values(), default=None)
        lines += ["", "| slowest on Spark | Spark s | DuckDB s |", "|---|---:|---:|"]
        for node in profile["slowest"]:
            known = duck_slowest.get(node["node"])
            duck_text = _s(known) if known is not None else ("—" if floor is None else f"≤ {floor:,.1f}")
            lines.append(f"| {node['node']} | {_s(node['execution_s'])} | {duck_text} |")
        lines.append("")
    return lines


def side_by_side(spark: dict, duckdb: dict | None) -> str:
    """The Markdown comparison of a Spark result with the DuckDB result of the same scale (None: not measured)."""
    header = [
        "## Spark beside DuckDB",
        "",
        (
            f"DuckDB figures from bench_{spark['scale']}.json (started {duckdb['started_at']}, same drop: "
            "same generator seed and scale)."
            if duckdb
            else f"No bench_{spark['scale']}.json: run `make bench SCALE={spark['scale']}` first for the DuckDB figures."
        ),
        "",
    ]
    body = [line for section in NIGHTS for line in _night_table(section, spark, duckdb)]
    return "\n".join(header + body + _whole_nights(spark, duckdb) + _dbt_time(spark, duckdb))
