"""A canonical digest of the published `reporting.*` tables of a DuckDB reporting file.

Per table: columns and types, row count, the sha256 of its canonical CSV (values as text,
rows sorted, the run's own columns left out) and of each column's sorted values; tiny
tables keep their rows. Refactorings prove with it that the demo and the worked example
publish what they did before (tests/fixtures/published_baseline/); a difference is told
by table and column.

    python -m tests.published_digest <reporting.duckdb> > tests/fixtures/published_baseline/<name>.json
    python -m tests.published_digest <reporting.duckdb> --baseline <name>   # exit 1 and say what differs
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb

BASELINES = Path(__file__).resolve().parent / "fixtures" / "published_baseline"
# What says which run published, not what it published.
RUN_COLUMNS = {"pipeline_runs": ("run_id", "started_at", "finished_at")}
NULL = "\\N"
FLOAT_DIGITS = 12  # a double may differ in its last bits when a sum is reordered
SMALL_TABLE_ROWS = 5  # tables this small keep their canonical rows, shown when they differ


def as_text(value) -> str:
    """One value as canonical text: null, booleans, decimals with their scale, rounded doubles, ISO dates."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "0" if value == 0 else format(value, f".{FLOAT_DIGITS}g")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)  # Decimal keeps its scale: 12.50


def _sha256(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return hashlib.sha256(out.getvalue().encode("utf-8")).hexdigest()


def table_digest(columns: list[str], types: list[str], rows: list[tuple]) -> dict:
    """The digest of one table given its kept columns, their types and its rows."""
    canonical = sorted([as_text(v) for v in row] for row in rows)
    digest = {
        "columns": [[c, t] for c, t in zip(columns, types)],
        "rows": len(canonical),
        "sha256": _sha256([columns, *canonical]),
        "column_sha256": {c: _sha256([[c], *sorted([row[i]] for row in canonical)]) for i, c in enumerate(columns)},
    }
    if len(canonical) <= SMALL_TABLE_ROWS:
        digest["canonical_rows"] = canonical
    return digest


def published_digest(reporting_db: str | Path) -> dict[str, dict]:
    """table -> digest of every table of schema `reporting` of the DuckDB file."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("attach ? as db (read_only)", [str(reporting_db)])
        described = con.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_catalog = 'db' and table_schema = 'reporting' order by table_name, ordinal_position"
        ).fetchall()
        tables: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in described:
            if column not in RUN_COLUMNS.get(table, ()):
                tables.setdefault(table, []).append((column, data_type))
        result = {}
        for table, kept in tables.items():
            columns = [c for c, _ in kept]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {select} from db.reporting."{table}"').fetchall()
            result[table] = table_digest(columns, [t for _, t in kept], rows)
        return result
    finally:
        con.close()


def _table_differences(table: str, was: dict, now: dict) -> list[str]:
    problems = []
    was_types, now_types = dict(was["columns"]), dict(now["columns"])
    if list(was_types) != list(now_types):
        problems.append(f"{table}: columns were {list(was_types)}, now {list(now_types)}")
    retyped = {c: f"{t} -> {now_types[c]}" for c, t in was_types.items() if now_types.get(c, t) != t}
    if retyped:
        problems.append(f"{table}: types changed {retyped}")
    if was["rows"] != now["rows"]:
        problems.append(f"{table}: {was['rows']} rows before, {now['rows']} now")
    changed = [c for c, sha in was["column_sha256"].items() if now["column_sha256"].get(c, sha) != sha]
    if changed:
        problems.append(f"{table}: values differ in columns {changed}")
    if was["sha256"] != now["sha256"] and not problems:
        problems.append(f"{table}: same values per column, combined into different rows")
    if problems and "canonical_rows" in was:
        problems.append(f"{table}: rows were {was['canonical_rows']}\n  now {now.get('canonical_rows')}")
    return problems


def differences(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """What differs between two digests, table by table, in words; empty when they are equal."""
    problems = []
    for table in sorted(set(expected) - set(actual)):
        problems.append(f"{table}: no longer published")
    for table in sorted(set(actual) - set(expected)):
        problems.append(f"{table}: newly published")
    for table in sorted(set(expected) & set(actual)):
        problems += _table_differences(table, expected[table], actual[table])
    return problems


def baseline(name: str) -> dict[str, dict]:
    """The stored digest `tests/fixtures/published_baseline/<name>.json`."""
    return json.loads((BASELINES / f"{name}.json").read_text(encoding="utf-8"))


def assert_matches_baseline(digest: dict[str, dict], name: str) -> None:
    """Fail, saying which tables and columns differ, unless `digest` equals the stored baseline `name`."""
    problems = differences(baseline(name), digest)
    assert problems == [], f"published tables differ from baseline {name!r}:\n" + "\n".join(problems)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Digest (or check) the published tables of a reporting file.")
    parser.add_argument("reporting_db")
    parser.add_argument("--baseline", help="compare with tests/fixtures/published_baseline/<BASELINE>.json")
    args = parser.parse_args(argv)
    digest = published_digest(args.reporting_db)
    if args.baseline is None:
        print(json.dumps(digest, indent=1))
        return 0
    problems = differences(baseline(args.baseline), digest)
    print("\n".join(problems) or f"same published tables as baseline {args.baseline}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
