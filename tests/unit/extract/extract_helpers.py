"""Helpers for extraction tests: source folders, settings and warehouse queries under tmp_path."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb

from kam.config import load_settings
from kam.contract import objects_of

#: the as-of date of the tests' nights (one date: every run is a nightly of the latest date)
AS_OF = date(2026, 10, 16)
EXAMPLE = Path(__file__).resolve().parents[3].parent / "shared" / "examples" / "small"


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write a CSV file (comma, minimal quoting)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Env:
    """An ERP folder, a CRM folder (every required object present, empty) and a warehouse."""

    def __init__(self, root: Path):
        self.root = root
        self.erp = root / "erp"
        self.crm = root / "crm"
        for system, folder in (("erp", self.erp), ("crm", self.crm)):
            for obj in objects_of(system):
                if not obj.optional:
                    write_csv(folder / f"{obj.name}.csv", obj.column_names, [])
        self.settings = replace(
            load_settings(),
            home=root,
            orders_source=str(self.erp),
            crm_source=str(self.crm),
            warehouse=str(root / "warehouse.duckdb"),
        )

    def with_orders_source(self, source: str) -> Env:
        self.settings = replace(self.settings, orders_source=source)
        return self

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(self.settings.warehouse, read_only=True)
        try:
            con.execute("set TimeZone = 'UTC'")
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


ORDER_COLUMNS = [
    "order_id",
    "customer_id",
    "order_date",
    "promised_date",
    "delivered_date",
    "status",
    "currency",
    "updated_at",
]


def order(
    order_id="O1",
    customer_id="C1",
    order_date="2026-01-10",
    promised_date="",
    delivered_date="",
    status="placed",
    currency="EUR",
    updated_at="2026-01-10T10:00:00Z",
) -> list[str]:
    return [order_id, customer_id, order_date, promised_date, delivered_date, status, currency, updated_at]


ACCOUNT_COLUMNS = [
    "account_id",
    "name",
    "industry",
    "region",
    "country",
    "employees",
    "annual_budget",
    "account_manager",
    "kam_designated",
    "is_image_maker",
    "is_expert",
    "created_at",
    "updated_at",
]


def account(
    account_id="A1",
    name="Acme",
    updated_at="2026-10-01T08:00:00Z",
    created_at="2024-01-01T00:00:00Z",
    kam_designated="true",
) -> list[str]:
    return [account_id, name, "", "", "", "", "", "", kam_designated, "false", "false", created_at, updated_at]
