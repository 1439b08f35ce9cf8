"""DuckDB table and column comments (`duckdb_tables()`, `duckdb_columns()`), read per schema and put on copies.

The warehouse reads the candidates' comments when it publishes, the snapshot copies the reporting
tables' into the reporting DB, and a repair copies them back from it (kam.warehouse.comments).
"""

from __future__ import annotations

import duckdb

from kam.warehouse.comments import TableComments


def schema_comments(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> dict[str, TableComments]:
    """The comments of every table of `catalog.schema` and of their columns, by table name."""
    where = "database_name = ? and schema_name = ?"
    tables = con.execute(f"select table_name, comment from duckdb_tables() where {where}", [catalog, schema])
    found = {table: TableComments(table=comment, columns={}) for table, comment in tables.fetchall()}
    columns = con.execute(
        f"select table_name, column_name, comment from duckdb_columns() where {where} "
        "order by table_name, column_index",
        [catalog, schema],
    )
    for table, column, comment in columns.fetchall():
        if table in found:
            found[table].columns[column] = comment
    return found


def current_catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchone()[0]
