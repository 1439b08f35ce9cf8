"""A source (one file or one table read) staged as text in a DuckDB temp table.

Readers produce a `StagedSource`; validation turns it into typed, checked rows.
`row` is a SQL expression over `table` giving the line number in the file
(header = 1) or the row ordinal; `columns` maps every contract column to a SQL expression over `table` giving its
text (untrimmed; NULL when the column is absent), `raw` gives the original row as
JSON text, `parse_error` a reason for rows that could not even be parsed. A `view` (Parquet) is
read only once, when validation checks it, so a file is never copied whole into a staging table.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

_counter = itertools.count(1)


def temp_name(prefix: str) -> str:
    """A fresh temp-table name for this process."""
    return f"_kam_{prefix}_{next(_counter)}"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class StagedSource:
    table: str
    source: str  # e.g. "erp/orders_part1.csv" or "table:orders"
    columns: dict[str, str]  # contract column -> SQL text expression over `table`
    raw: str  # SQL expression: the original row as JSON text
    row: str  # SQL expression: line number / ordinal
    parse_error: str = "null"  # SQL expression: reason, or null when the row parsed
    relation: str = "table"  # `table`, or `view` over the file itself (read while it is checked)
    read_error: str | None = None  # a view: why the file is unreadable when reading it fails
