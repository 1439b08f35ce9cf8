"""DuckDB connections with the pipeline's session settings (the warehouse, the landing, any DuckDB file).

The memory limit and thread count come from environment variables and reach SQL
(`SET ...` takes no parameters), so they are validated first: a memory limit is a
number with a DuckDB unit (`2GB`, `512MiB`, `1.5 GB`) or a percentage (`80%`), the
threads a positive integer; anything else is refused naming the variable.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from kam.config import Settings, load_settings

MEMORY_LIMIT = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB|%)\s*$", re.IGNORECASE)


def check_memory_limit(value: str, variable: str) -> str:
    """The memory limit text when it is a plain DuckDB size; raises ValueError naming `variable`."""
    if not isinstance(value, str) or not MEMORY_LIMIT.match(value):
        raise ValueError(
            f"{variable}={value!r} is not a memory limit: expected a number with a unit "
            f"(B, KB, MB, GB, TB, KiB, MiB, GiB, TiB) or a percentage, e.g. 2GB"
        )
    return value.strip()


def check_threads(value, variable: str = "KAM_DUCKDB_THREADS") -> int:
    """The thread count as a positive int; raises ValueError naming `variable`."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, str))
        or not re.fullmatch(r"\s*\d+\s*", str(value))
        or int(value) < 1
    ):
        raise ValueError(f"{variable}={value!r} is not a thread count: expected a positive integer, e.g. 2")
    return int(value)


def connect(
    settings: Settings | None = None, read_only: bool = False, path: str | Path | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (or `path`) with TimeZone UTC, threads and memory limit set."""
    settings = settings or load_settings()
    threads = check_threads(settings.duckdb_threads)
    memory_limit = check_memory_limit(settings.duckdb_memory_limit, "KAM_DUCKDB_MEMORY_LIMIT")
    target = Path(path or settings.warehouse)
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target), read_only=read_only)
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set threads = {threads}")
    con.execute(f"set memory_limit = '{memory_limit}'")
    return con


def base_tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """Base tables of `schema` in the connection's own database (not in attached files)."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? and table_type = 'BASE TABLE'",
        [schema],
    ).fetchall()
    return {r[0] for r in rows}
