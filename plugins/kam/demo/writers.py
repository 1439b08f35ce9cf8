"""Writing the drop: the ERP tables into SQLite, the CRM exports as CSV and JSONL files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd

from kam.demo.hashing import unit_hash

# SQLite column types of the legacy ERP: dates and timestamps are ISO TEXT.
SQLITE_TYPES = {
    "line_number": "INTEGER",
    "quantity": "NUMERIC",
    "delivered_quantity": "NUMERIC",
    "unit_price": "NUMERIC",
    "unit_cost": "NUMERIC",
    "rate_to_reporting": "NUMERIC",
}


def _python_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns with None for every missing value (NaN included)."""
    values = frame.astype(object)
    return values.where(pd.notna(values), None)


def write_sqlite(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """One table per frame, rows in frame order, no primary keys (re-sent rows repeat a key)."""
    with sqlite3.connect(path) as con:
        con.execute("pragma journal_mode = off")  # a new file, moved into place when complete
        con.execute("pragma synchronous = off")
        for name, frame in tables.items():
            columns = ", ".join(f'"{c}" {SQLITE_TYPES.get(c, "TEXT")}' for c in frame.columns)
            con.execute(f'create table "{name}" ({columns})')
            marks = ", ".join("?" for _ in frame.columns)
            con.executemany(
                f'insert into "{name}" values ({marks})', _python_values(frame).itertuples(index=False, name=None)
            )
    con.close()


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    _python_values(frame).to_csv(path, index=False, lineterminator="\n")


def write_jsonl(path: Path, frame: pd.DataFrame, salt: int) -> None:
    """One JSON object per line; about a third of the rows (never the first) leave their null values out."""
    omit_nulls = unit_hash(range(len(frame)), salt) < 0.3
    omit_nulls[:1] = False  # the first line shows every column
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for omit, record in zip(omit_nulls, _python_values(frame).to_dict("records")):
            if omit:
                record = {k: v for k, v in record.items() if v is not None}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
