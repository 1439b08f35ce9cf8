"""Compare a built table with an `expected_*.csv` of the worked example.

Tolerances follow ../shared/examples/small/README.md: keys, classes, flags and
dates exactly; amounts within half a cent; `key_account_score` within 0.05;
other numbers within a relative 1e-6. Empty CSV cells mean null.
"""

from __future__ import annotations

import csv
import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

AMOUNT_COLUMNS = {
    "revenue_12m",
    "revenue_prev_12m",
    "gross_margin_12m",
    "value_at_stake",
    "key_account_revenue_12m",
    "annual_budget",
    "lifetime_revenue",
}
ABS_TOLERANCE = {"key_account_score": 0.05}

# segment_changes of the example on 2026-10-15 against a published 2026-10-14 in which 000517 was
# an A key account and 000042 absent (built by test_example_marts and the backfill test alike).
CHANGES_SINCE_2026_10_14 = [
    {
        "customer_id": "000042",
        "attribute": "customer",
        "previous_value": None,
        "current_value": "new",
        "previous_as_of_date": date(2026, 10, 14),
        "as_of_date": date(2026, 10, 15),
    },
    {
        "customer_id": "000517",
        "attribute": "abc_revenue",
        "previous_value": "A",
        "current_value": "B",
        "previous_as_of_date": date(2026, 10, 14),
        "as_of_date": date(2026, 10, 15),
    },
    {
        "customer_id": "000517",
        "attribute": "is_key_account",
        "previous_value": "true",
        "current_value": "false",
        "previous_as_of_date": date(2026, 10, 14),
        "as_of_date": date(2026, 10, 15),
    },
]


def read_expected(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return (
            value.isoformat()[:10] if isinstance(value, date) and not isinstance(value, datetime) else value.isoformat()
        )
    return str(value)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def cell_mismatch(column: str, actual, expected: str) -> str | None:
    """Why `actual` does not match the expected CSV cell, or None when it does."""
    if expected == "":
        return None if actual is None else f"expected null, got {actual!r}"
    if actual is None:
        return f"expected {expected!r}, got null"
    if isinstance(actual, (int, float, Decimal)) and not isinstance(actual, bool):
        want, got = _number(expected), float(actual)
        if want is None:
            return f"expected {expected!r}, got number {actual!r}"
        if column in AMOUNT_COLUMNS:
            ok = abs(got - want) <= 0.005 + 1e-9
        elif column in ABS_TOLERANCE:
            ok = abs(got - want) <= ABS_TOLERANCE[column] + 1e-9
        else:
            ok = math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9)
        return None if ok else f"expected {want!r}, got {got!r}"
    got_text = _as_text(actual)
    if got_text.lower() in ("true", "false") and expected.lower() in ("true", "false"):
        return None if got_text.lower() == expected.lower() else f"expected {expected!r}, got {got_text!r}"
    return None if got_text == expected else f"expected {expected!r}, got {got_text!r}"


def compare_rows(
    actual: list[dict], expected: list[dict[str, str]], key: tuple[str, ...], columns: list[str] | None = None
) -> list[str]:
    """All differences between rows (matched on `key`) as readable lines; empty when equal."""
    columns = columns or list(expected[0].keys()) if expected else []
    problems: list[str] = []
    by_key = {tuple(_as_text(r[k]) for k in key): r for r in actual}
    want_keys = {tuple(r[k] for k in key) for r in expected}
    for extra in sorted(set(by_key) - want_keys, key=str):
        problems.append(f"unexpected row {extra}")
    for row in expected:
        k = tuple(row[c] for c in key)
        got = by_key.get(k)
        if got is None:
            problems.append(f"missing row {k}")
            continue
        for column in columns:
            if column not in got:
                problems.append(f"{k}: column {column} missing")
                continue
            why = cell_mismatch(column, got[column], row[column])
            if why:
                problems.append(f"{k} {column}: {why}")
    return problems


def fetch_dicts(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def warehouse_rows(warehouse: str | Path, sql: str) -> list[dict]:
    """Rows of `sql` on a DuckDB warehouse file, opened read-only for the query."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return fetch_dicts(con, sql)
    finally:
        con.close()
