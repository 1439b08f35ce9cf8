"""Reading a demo drop back as text, the way the contract reads sources.

ERP tables through SQLAlchemy, CRM files as CSV or JSONL; every value becomes
its text (numbers from SQLite as Python writes them), trimmed, empty as None.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from kam.contract import objects_of


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_erp_table(folder: Path, table: str) -> pd.DataFrame:
    engine = sa.create_engine(f"sqlite:///{folder / 'erp.sqlite'}")
    try:
        with engine.connect() as con:
            result = con.execute(sa.text(f'select * from "{table}"'))
            columns = list(result.keys())
            rows = [[_text(v) for v in row] for row in result]
    finally:
        engine.dispose()
    return pd.DataFrame(rows, columns=columns, dtype=object)


def read_crm_file(folder: Path, name: str) -> pd.DataFrame:
    csv_path, jsonl_path = folder / "crm" / f"{name}.csv", folder / "crm" / f"{name}.jsonl"
    if csv_path.exists():
        with open(csv_path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows = [[_text(v) for v in row] for row in reader]
        return pd.DataFrame(rows, columns=header, dtype=object)
    records = [json.loads(line) for line in jsonl_path.read_text(encoding="utf-8").splitlines()]
    columns = list(dict.fromkeys(k for r in records for k in r))
    return pd.DataFrame([[_text(r.get(c)) for c in columns] for r in records], columns=columns, dtype=object)


def read_drop(folder: Path) -> dict[str, pd.DataFrame]:
    """Every object of the contract, as text."""
    tables = {o.name: read_erp_table(folder, o.name) for o in objects_of("erp")}
    tables.update({o.name: read_crm_file(folder, o.name) for o in objects_of("crm")})
    return tables
