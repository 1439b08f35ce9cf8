"""The benchmark's results: one JSON document and the same as a Markdown table.

`write_results(result, folder)` writes `<folder>/bench_<scale>.json` and
`<folder>/bench_<scale>.md` (a Spark run: `bench_<scale>_spark.*`, with the DuckDB run of
the same scale beside it); `markdown(result)` is what the runner prints.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.side_by_side import side_by_side


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _status(passed: bool | None) -> str:
    return "n/a" if passed is None else ("pass" if passed else "MISS")


def markdown(result: dict) -> str:
    """The measurements, the checks and the targets as Markdown."""
    spark = result.get("engine") == "spark"
    lines = [
        f"# Benchmark {result['scale']}{' on Spark' if spark else ''} ({result['order_lines']:,} order lines, "
        f"{result['customers']:,} customers), as-of {result['as_of']}",
        "",
        f"{result['machine']}; "
        + (f"Spark master {result['spark_master']}; " if spark else "")
        + f"DuckDB threads {result['duckdb_threads']}, "
        f"memory limit {result['duckdb_memory_limit']} (extraction {result.get('extract_memory_limit', '2GB')}); "
        f"pandas reference capped at {result.get('reference_memory_limit_gb', 'n/a')} GB; started {result['started_at']}",
        "",
        *_runner_line(result),
        "| section | stage | wall s | CPU s | peak RSS MB | ok | note |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['section']} | {row['stage']} | {_fmt(row['wall_s'])} | {_fmt(row['cpu_s'])} | "
            f"{_fmt(row['peak_rss_mb'], 0)} | {_ok(row)} | "
            f"{row.get('note', '')} |"
        )
    lines += ["", "| check | result | detail |", "|---|---|---|"]
    for name, check in result["checks"].items():
        detail = {k: v for k, v in check.items() if k not in ("equal", "sample", "tables", "part")}
        if "tables" in check:
            detail["unequal_tables"] = sorted(t for t, v in check["tables"].items() if not v["equal"])
        verdict = "not checked" if "skipped" in check else ("equal" if check.get("equal") else "DIFFERENT")
        lines.append(f"| {name} | {verdict} | {json.dumps(detail)} |")
    profiles = [row for row in result["rows"] if row.get("dbt")]
    if profiles:
        lines += [
            "",
            "| dbt invocation | execution phase s | per resource type (nodes, execution s summed) | slowest nodes |",
            "|---|---:|---|---|",
        ]
        for row in profiles:
            per_type = ", ".join(f"{k} {v['nodes']}/{v['execution_s']:.1f}" for k, v in row["dbt"]["per_type"].items())
            slowest = ", ".join(f"{n['node']} {n['execution_s']:.1f}" for n in row["dbt"]["slowest"][:5])
            lines.append(
                f"| {row['section']}: {row['stage']} | {_fmt(row['dbt']['elapsed_s'])} | {per_type} | {slowest} |"
            )
    if spark:
        return "\n".join(lines) + "\n\n" + side_by_side(result, result.get("duckdb"))
    lines += ["", "| target | value | limit | status |", "|---|---:|---|---|"]
    for t in result["targets"]:
        status = _status(t["passed"]) + ("" if t["binding"] else f" (informative: binds at {t['scale']})")
        if t.get("note"):
            status += f"; {t['note']}"
        unit = f" {t['unit']}" if t.get("unit") else ""
        lines.append(f"| {t['name']} | {_fmt(t['value'], 3)}{unit} | {t['op']} {t['limit']}{unit} | {status} |")
    return "\n".join(lines) + "\n"


def _ok(row: dict) -> str:
    if row.get("out_of_memory"):
        return f"out of memory at {row.get('memory_limit_gb')} GB"
    return "yes" if row["returncode"] == 0 else "NO"


def _runner_line(result: dict) -> list[str]:
    runner = result.get("runner")
    if not runner:
        return []
    drop = result.get("drop_bytes")
    return [
        f"Last invocation: stages {','.join(runner['stages'])}; runner wall {runner['wall_s']:.1f} s, of which "
        f"measured {runner['measured_wall_s']:.1f} s (runner overhead {runner['overhead_s']:.1f} s)"
        + ("" if drop is None else f"; drop {drop / 2**20:,.1f} MB"),
        "",
    ]


def write_results(result: dict, folder: Path) -> tuple[Path, Path]:
    """Write the JSON and the Markdown of `result`; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"bench_{result['scale']}" + ("" if result.get("engine", "duckdb") == "duckdb" else f"_{result['engine']}")
    json_path, md_path = folder / f"{name}.json", folder / f"{name}.md"
    json_path.write_text(json.dumps(result, indent=1, default=str) + "\n")
    md_path.write_text(markdown(result))
    return json_path, md_path
