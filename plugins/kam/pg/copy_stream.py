"""Stream a DuckDB query into a PostgreSQL table with COPY, never holding the whole result.

DuckDB hands the result over as Arrow record batches; each batch is written as
CSV (pyarrow: strings always quoted, so an empty string is `""` and a null an
unquoted empty field, exactly what `COPY ... (FORMAT csv)` reads back; ISO dates
and timestamps, plain decimals, `true`/`false`) and fed to psycopg2's
`copy_expert` through a file-like object read in pieces.
"""

from __future__ import annotations

import io

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

BATCH_ROWS = 50_000
_WRITE_OPTIONS = pacsv.WriteOptions(include_header=False)


class ArrowCsvStream(io.RawIOBase):
    """A readable byte stream of the CSV text of an Arrow record batch reader."""

    def __init__(self, batches: pa.RecordBatchReader):
        super().__init__()
        self._batches = iter(batches)
        self._chunk = b""
        self._pos = 0
        self.rows = 0

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bool:
        for batch in self._batches:
            if batch.num_rows == 0:
                continue
            sink = io.BytesIO()
            pacsv.write_csv(pa.Table.from_batches([batch]), sink, _WRITE_OPTIONS)
            self._chunk, self._pos = sink.getvalue(), 0
            self.rows += batch.num_rows
            return True
        return False

    def readinto(self, buffer) -> int:
        if self._pos >= len(self._chunk) and not self._next_chunk():
            return 0
        size = min(len(buffer), len(self._chunk) - self._pos)
        buffer[:size] = self._chunk[self._pos : self._pos + size]
        self._pos += size
        return size


def copy_query(duck: duckdb.DuckDBPyConnection, query: str, pg_cursor, table: str, columns: list[str]) -> int:
    """COPY the rows of a DuckDB `query` (columns in `columns` order) into PostgreSQL `table`.

    Returns the rows copied. `table` and `columns` must be trusted identifiers.
    """
    reader = duck.sql(query).to_arrow_reader(BATCH_ROWS)
    stream = ArrowCsvStream(reader)
    column_list = ", ".join(f'"{c}"' for c in columns)
    pg_cursor.copy_expert(
        f"copy {table} ({column_list}) from stdin with (format csv)", io.BufferedReader(stream, buffer_size=1 << 20)
    )
    return stream.rows
