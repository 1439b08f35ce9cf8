"""Comments of a table and its columns as data, and the COMMENT ON statements that put them on another table.

The marts carry their dbt descriptions as comments (`persist_docs`); publication copies them onto
the reporting tables so BI tools show them. COMMENT ON reads the same on DuckDB and PostgreSQL;
each engine reads comments its own way (`Warehouse.schema_comments`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableComments:
    """The comment of a table and of each of its columns (None where there is none)."""

    table: str | None = None
    columns: dict[str, str | None] = field(default_factory=dict)


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str | None) -> str:
    """A standard SQL string literal (`''` for a quote), `null` for None."""
    return "null" if text is None else "'" + text.replace("'", "''") + "'"


def comments_sql(target: str, comments: TableComments, columns: list[str] | None = None) -> str:
    """The statements (`;`-separated) giving the table `target` (qualified, quoted) the comments: the
    table's, and those of its columns `columns` (default: every column of `comments`) that
    `comments` knows; a column it does not know keeps its own."""
    names = list(comments.columns) if columns is None else [c for c in columns if c in comments.columns]
    statements = [f"comment on table {target} is {sql_literal(comments.table)}"]
    statements += [
        f"comment on column {target}.{quote_identifier(name)} is {sql_literal(comments.columns[name])}"
        for name in names
    ]
    return ";\n".join(statements)
