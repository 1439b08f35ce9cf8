"""Reader of an order-system database (any SQLAlchemy URL) into text staging tables.

Rows are streamed in chunks (server-side cursor where the driver has one) and
each chunk becomes an Arrow table that DuckDB casts to text like a Parquet
column (integers as decimal text, ISO dates/timestamps, plain decimals). Tables
with `updated_at` are read from (watermark - lookback) on, compared on the date
prefix one day earlier still, so text timestamps with any offset are safe.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from kam.contract import SourceObject
from kam.extract.errors import ExtractError
from kam.extract.staged import StagedSource, quote_literal, temp_name
from kam.extract.typed_text import text_expression

CHUNK_ROWS = 100_000


def engine_url(url: str) -> str:
    """The URL with the installed PostgreSQL driver: SQLAlchemy 2.1 reads a bare
    `postgresql://` (or `postgres://`) as psycopg 3, while psycopg2 is what is installed."""
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg2://" + url[len(bare) :]
    return url


def make_engine(url: str) -> sa.Engine:
    try:
        return sa.create_engine(engine_url(url))
    except Exception as exc:  # bad URL, missing driver
        raise ExtractError(f"cannot open order-system database {safe_url(url)}: {exc}") from exc


def safe_url(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def table_columns(engine: sa.Engine, name: str, url: str) -> list[str] | None:
    """Column names of a table, or None when the table does not exist."""
    try:
        inspector = sa.inspect(engine)
        if not inspector.has_table(name):
            return None
        return [c["name"] for c in inspector.get_columns(name)]
    except ExtractError:
        raise
    except Exception as exc:
        raise ExtractError(f"cannot read order-system database {safe_url(url)}: {exc}") from exc


def read_since(watermark: datetime | None, lookback_hours: float) -> str | None:
    """Lower bound (a date text) of the incremental read, or None to read everything."""
    if watermark is None:
        return None
    return (watermark - timedelta(hours=lookback_hours) - timedelta(days=1)).date().isoformat()


def _arrow_column(values: tuple) -> pa.Array:
    """An Arrow array of a chunk's column; mixed or odd Python types fall back to their text."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return pa.array(
            [None if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v)) for v in values],
            type=pa.string(),
        )


def stage_table(
    con: duckdb.DuckDBPyConnection,
    engine: sa.Engine,
    url: str,
    obj: SourceObject,
    columns_present: list[str],
    since: str | None,
) -> tuple[StagedSource, int]:
    """Stream the table's contract columns (rows since `since`) into a text temp table."""
    names = [c for c in columns_present if c in obj.column_names]
    table = temp_name("sql")
    con.execute(f"create temp table {table} ({', '.join(f'c{i} varchar' for i in range(len(names)))}, _line bigint)")
    query = sa.select(*[sa.column(n) for n in names]).select_from(sa.table(obj.name))
    if since is not None and obj.has_updated_at:
        query = query.where(sa.column("updated_at") >= since)
    read = 0
    try:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(query)
            for rows in result.partitions(CHUNK_ROWS):
                read = _insert_chunk(con, table, names, rows, read)
    except ExtractError:
        raise
    except Exception as exc:
        raise ExtractError(f"{obj.name}: cannot read table:{obj.name} from {safe_url(url)}: {exc}") from exc
    raw = "json_object(" + ", ".join(f"{quote_literal(n)}, c{i}" for i, n in enumerate(names)) + ")"
    staged = StagedSource(
        table=table,
        source=f"table:{obj.name}",
        columns={c: (f"c{names.index(c)}" if c in names else "null") for c in obj.column_names},
        raw=raw,
        row="_line",
    )
    return staged, read


def _insert_chunk(con: duckdb.DuckDBPyConnection, table: str, names: list[str], rows: list, offset: int) -> int:
    if not rows:
        return offset
    columns = list(zip(*rows))
    arrays = [_arrow_column(col) for col in columns]
    arrays.append(pa.array(range(offset + 1, offset + len(rows) + 1), type=pa.int64()))
    chunk = pa.Table.from_arrays(arrays, names=[f"c{i}" for i in range(len(names))] + ["_line"])
    view = temp_name("chunk")
    con.register(view, chunk)
    try:
        types = [r[1] for r in con.execute(f"describe select * from {view}").fetchall()]
        selects = ", ".join(text_expression(f"c{i}", types[i]) for i in range(len(names)))
        con.execute(f"insert into {table} select {selects}, _line from {view}")
    finally:
        con.unregister(view)
    return offset + len(rows)
