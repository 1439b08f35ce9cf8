"""Open the published reporting DB (KAM_REPORTING_DB) read-only, as BI tools should.

DuckDB names the database after the file, so a file called `reporting.duckdb`
holds catalog `reporting` with schema `reporting`, and `reporting.<table>` is
ambiguous there. The connection returned here has its search path set to the
snapshot's `reporting` schema: query tables by their bare names.
Close the connection when done: a process sees a newer snapshot only after all
its connections to the old one are closed (see kam.warehouse.duckdb_snapshot).
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def open_reporting_db(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the snapshot, tables addressable by bare name."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"reporting DB {path} does not exist (nothing published yet?)")
    con = duckdb.connect(str(path), read_only=True)
    try:
        catalog = con.execute("select current_database()").fetchone()[0]
        con.execute("set TimeZone = 'UTC'")
        con.execute("set search_path = ?", [f'"{catalog}".reporting'])
    except BaseException:
        con.close()
        raise
    return con
