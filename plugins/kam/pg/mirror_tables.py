"""PostgreSQL tables mirroring the landing DuckDB's extraction tables (raw, raw_history, quarantine, meta).

The landing file is the model: every table of its schemas `raw`, `raw_history`,
`quarantine` and `meta` gets a PostgreSQL table of the same name, columns and types (mapped
below); a column added in the landing later is added in PostgreSQL too. Each
`raw.<object>` gets a unique index on the contract key, which the sync's upsert
(`on conflict`) relies on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from kam.contract import OBJECTS

SYNCED_SCHEMAS = ("raw", "raw_history", "quarantine", "meta")

_SIMPLE_TYPES = {
    "VARCHAR": "varchar",
    "JSON": "varchar",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "HUGEINT": "numeric(38,0)",
    "UBIGINT": "numeric(20,0)",
    "UINTEGER": "bigint",
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


@dataclass(frozen=True)
class LandingTable:
    """A table of the landing DuckDB: schema, name and (column, PostgreSQL type) pairs."""

    schema: str
    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def qualified(self) -> str:
        return f'{self.schema}."{self.name}"'

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]


def postgres_type(duckdb_type: str, where: str) -> str:
    """The PostgreSQL type of a DuckDB column type; raises naming the column when unknown."""
    upper = duckdb_type.upper()
    if upper in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[upper]
    match = _DECIMAL.match(upper)
    if match:
        return f"numeric({match.group(1)},{match.group(2)})"
    raise ValueError(f"sync: {where} has DuckDB type {duckdb_type}, which has no PostgreSQL mapping")


def landing_tables(duck: duckdb.DuckDBPyConnection) -> list[LandingTable]:
    """The tables of the synced schemas in the landing DuckDB, with their columns in order."""
    rows = duck.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        f"where table_catalog = current_database() and table_schema in ({', '.join(map(repr, SYNCED_SCHEMAS))}) "
        "order by table_schema, table_name, ordinal_position"
    ).fetchall()
    tables: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, dtype in rows:
        tables.setdefault((schema, table), []).append(
            (column, postgres_type(dtype, f"landing table {schema}.{table} column {column}"))
        )
    return [LandingTable(s, t, tuple(cols)) for (s, t), cols in tables.items()]


def raw_key(table: LandingTable) -> tuple[str, ...] | None:
    """The contract key of a raw table (None for tables outside the contract)."""
    obj = OBJECTS.get(table.name) if table.schema == "raw" else None
    return obj.key if obj else None


def _existing_columns(cur, table: LandingTable) -> list[str]:
    cur.execute(
        "select column_name from information_schema.columns where table_schema = %s "
        "and table_name = %s order by ordinal_position",
        (table.schema, table.name),
    )
    return [r[0] for r in cur.fetchall()]


def ensure_mirror(cur, tables: list[LandingTable]) -> None:
    """Create the schemas, tables, missing columns and raw key indexes in PostgreSQL."""
    for schema in SYNCED_SCHEMAS:
        cur.execute("select 1 from pg_namespace where nspname = %s", (schema,))
        if cur.fetchone() is None:  # only then: CREATE SCHEMA checks the database privilege first
            cur.execute(f"create schema {schema}")
    for table in tables:
        present = _existing_columns(cur, table)
        if not present:
            columns = ", ".join(f'"{c}" {t}' for c, t in table.columns)
            cur.execute(f"create table {table.qualified} ({columns})")
        else:
            for column, pg_type in table.columns:
                if column not in present:
                    cur.execute(f'alter table {table.qualified} add column "{column}" {pg_type}')
        key = raw_key(table)
        if key:
            cur.execute(
                f'create unique index if not exists "{table.name}_key" on {table.qualified} '
                f"({', '.join(chr(34) + k + chr(34) for k in key)})"
            )
