"""Connections to the DuckDB warehouse with the pipeline's session settings."""
from __future__ import annotations

from pathlib import Path

import duckdb

from kam.config import Settings, load_settings


def connect(settings: Settings | None = None, read_only: bool = False,
            path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (or `path`) with TimeZone UTC, threads and memory limit set."""
    settings = settings or load_settings()
    target = Path(path or settings.warehouse)
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target), read_only=read_only)
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set threads = {int(settings.duckdb_threads)}")
    con.execute(f"set memory_limit = '{settings.duckdb_memory_limit}'")
    return con
