"""Rows built in Python, written into a DuckDB temp table in bounded Arrow chunks.

The per-line parsers (csv_lines, jsonl_lines) produce tuples; `ChunkedTable`
collects them and every `CHUNK_ROWS` rows hands one Arrow table to DuckDB, so a
file of millions of lines never sits in Python lists as a whole.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kam.extract.staged import quote_ident, temp_name

CHUNK_ROWS = 100_000


class ChunkedTable:
    """A temp table with text columns and bigint columns, filled row by row (tuples in column order)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, prefix: str, columns: list[tuple[str, str]], empty_as_null: bool = False
    ):
        self.con = con
        self.empty_as_null = empty_as_null  # '' in a text column stored as null (as DuckDB's CSV reader does)
        self.name = temp_name(prefix)
        self.columns = columns  # (name, 'text' | 'bigint')
        self.rows: list[tuple] = []
        self.count = 0
        self._schema = pa.schema([(n, pa.string() if t == "text" else pa.int64()) for n, t in columns])
        ddl = ", ".join(f"{quote_ident(n)} {'varchar' if t == 'text' else 'bigint'}" for n, t in columns)
        con.execute(f"create temp table {self.name} ({ddl})")

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        self.add_arrays([pa.array(values, type=field.type) for values, field in zip(zip(*rows), self._schema)])

    def add_arrays(self, arrays: list[pa.Array]) -> None:
        """Whole columns at once (in column order), written now."""
        if not len(arrays[0]):
            return
        if self.empty_as_null:
            arrays = [
                pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a) if a.type == pa.string() else a
                for a in arrays
            ]
        chunk = pa.Table.from_arrays(arrays, schema=self._schema)
        view = temp_name("arrow")
        self.con.register(view, chunk)
        try:
            self.con.execute(f"insert into {self.name} select * from {view}")
        finally:
            self.con.unregister(view)
        self.count += len(chunk)

    def drop(self) -> None:
        self.rows = []
        self.con.execute(f"drop table if exists {self.name}")
