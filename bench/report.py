"""The benchmark's results: one JSON document and the same as a Markdown table.

`write_results(result, folder)` writes `<folder>/bench_<scale>.json` and
`<folder>/bench_<scale>.md`; `markdown(result)` is what the runner prints.
"""

from __future__ import annotations

import json
from pathlib import Path


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
    lines = [
        f"# Benchmark {result['scale']} ({result['order_lines']:,} order lines, "
        f"{result['customers']:,} customers), as-of {result['as_of']}",
        "",
        f"{result['machine']}; DuckDB threads {result['duckdb_threads']}, "
        f"memory limit {result['duckdb_memory_limit']} (extraction {result.get('extract_memory_limit', '2GB')}); started {result['started_at']}",
        "",
        "| section | stage | wall s | CPU s | peak RSS MB | ok | note |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['section']} | {row['stage']} | {_fmt(row['wall_s'])} | {_fmt(row['cpu_s'])} | "
            f"{_fmt(row['peak_rss_mb'], 0)} | {'yes' if row['returncode'] == 0 else 'NO'} | "
            f"{row.get('note', '')} |"
        )
    lines += ["", "| check | result | detail |", "|---|---|---|"]
    for name, check in result["checks"].items():
        detail = {k: v for k, v in check.items() if k not in ("equal", "sample", "tables")}
        if "tables" in check:
            detail["unequal_tables"] = sorted(t for t, v in check["tables"].items() if not v["equal"])
        lines.append(f"| {name} | {'equal' if check.get('equal') else 'DIFFERENT'} | {json.dumps(detail)} |")
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
    lines += ["", "| target | value | limit | status |", "|---|---:|---|---|"]
    for t in result["targets"]:
        status = _status(t["passed"]) + ("" if t["binding"] else " (informative below 10m)")
        lines.append(f"| {t['name']} | {_fmt(t['value'], 3)} | {t['op']} {t['limit']} | {status} |")
    return "\n".join(lines) + "\n"


def write_results(result: dict, folder: Path) -> tuple[Path, Path]:
    """Write the JSON and the Markdown of `result`; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / f"bench_{result['scale']}.json"
    md_path = folder / f"bench_{result['scale']}.md"
    json_path.write_text(json.dumps(result, indent=1, default=str) + "\n")
    md_path.write_text(markdown(result))
    return json_path, md_path
