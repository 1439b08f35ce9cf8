"""Helpers for the parser tests: stage one file on an in-memory DuckDB and read back good and bad rows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from kam.contract import OBJECTS
from kam.extract.file_readers import stage_file

ORDER_LINE_HEADER = (
    "order_id,line_number,product_id,product_category,quantity,delivered_quantity,unit_price,unit_cost,updated_at"
)


def order_line(order_id: str = "O1", category: str = "tools") -> str:
    """One clean order-lines CSV line (9 fields)."""
    return f"{order_id},1,P1,{category},2,,3.5,1,2026-01-01T00:00:00Z"


def order_line_values(order_id: str = "O1", category: str | None = "tools") -> tuple:
    return (order_id, "1", "P1", category, "2", None, "3.5", "1", "2026-01-01T00:00:00Z")


@dataclass
class Staged:
    good: list[tuple]  # (line, value of every contract column...)
    bad: list[tuple]  # (line, reason, raw as parsed JSON)
    raws: dict[int, object]  # line -> raw (parsed JSON) of every row

    @property
    def lines(self) -> list[int]:
        return sorted([g[0] for g in self.good] + [b[0] for b in self.bad])


def stage(path: Path, object_name: str = "order_lines") -> Staged:
    """Stage `path` through stage_file; every staged row, good or bad, ordered by line."""
    obj = OBJECTS[object_name]
    con = duckdb.connect()
    try:
        good, bad, raws = [], [], {}
        for staged in stage_file(con, obj, path, f"test/{path.name}"):
            columns = ", ".join(staged.columns[c] for c in obj.column_names)
            rows = con.execute(
                f"select {staged.row} as _r, {staged.parse_error}, {staged.raw}, {columns} "
                f"from {staged.table} order by _r"
            ).fetchall()
            for line, reason, raw, *values in rows:
                raws[line] = json.loads(raw)
                if reason is None:
                    good.append((line, *values))
                else:
                    bad.append((line, reason, json.loads(raw)))
        return Staged(sorted(good), sorted(bad), raws)
    finally:
        con.close()


def write_lines(path: Path, lines: list[bytes | str], end: bytes = b"\n", final_end: bool = True) -> Path:
    """A file of the given physical lines (str encoded as UTF-8), joined by `end`."""
    data = end.join(line.encode() if isinstance(line, str) else line for line in lines)
    path.write_bytes(data + (end if final_end else b""))
    return path
