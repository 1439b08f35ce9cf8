"""The benchmark's equality checks, in DuckDB: the pandas reference against `marts.customer_segments`
(`compare_reference`), and every `marts` table of two warehouses row for row (`compare_warehouses`;
between two engines with doubles to `float_digits` significant digits: a sum of doubles in another
order may differ in its last bits).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from kam.dbt_results import NIGHT_STAMP_COLUMN

RULE_COLUMNS = ("abc_revenue", "xyz_class", "lapse_status")
SAMPLE_ROWS = 10


def _quote(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def compare_reference(warehouse: Path | str, reference_parquet: Path | str) -> dict:
    """Mismatches of the three rules between the reference output and `marts.customer_segments`."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {_quote(warehouse)} as wh (read_only)")
        diff = " or ".join(
            f"coalesce(r.{c}, 'none') is distinct from coalesce(o.{c}, 'none')" for c in RULE_COLUMNS[:2]
        )
        sql = f"""
            with r as (
                select customer_id, abc_revenue, xyz_class, lapse_status
                from read_parquet({_quote(reference_parquet)})
            ), o as (
                select customer_id, abc_revenue, xyz_class, lapse_status from wh.marts.customer_segments
            )
            select coalesce(o.customer_id, r.customer_id) as customer_id,
                   o.customer_id is not null as in_ours, r.customer_id is not null as in_reference,
                   r.abc_revenue as ref_abc, o.abc_revenue as our_abc,
                   r.xyz_class as ref_xyz, o.xyz_class as our_xyz,
                   coalesce(r.lapse_status, 'never_ordered') as ref_lapse, o.lapse_status as our_lapse
            from o full outer join r on r.customer_id = o.customer_id
            where o.customer_id is null
               or {diff}
               or coalesce(r.lapse_status, 'never_ordered') is distinct from o.lapse_status
            order by 1
        """
        mismatches = con.execute(sql).fetchall()
        columns = [d[0] for d in con.description]
        ours = con.execute("select count(*) from wh.marts.customer_segments").fetchone()[0]
        reference = con.execute(f"select count(*) from read_parquet({_quote(reference_parquet)})").fetchone()[0]
    finally:
        con.close()
    return {
        "equal": not mismatches,
        "mismatches": len(mismatches),
        "customers_ours": ours,
        "customers_reference": reference,
        "sample": [
            dict(zip(columns, [str(v) if v is not None else None for v in row])) for row in mismatches[:SAMPLE_ROWS]
        ],
    }


def _tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = ? and table_schema = ? "
            "order by table_name",
            [catalog, schema],
        ).fetchall()
    ]


FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


def _compared_columns(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str, float_digits: int | None = None
) -> list[str]:
    """The table's columns but the night's stamp (`NIGHT_STAMP_COLUMN`: when a row was written, not what it holds);
    with `float_digits`, a double column as its text to that many significant digits."""
    columns = []
    for name, data_type in con.execute(
        "select column_name, data_type from information_schema.columns where table_catalog = ? "
        "and table_schema = ? and table_name = ? and column_name <> ? order by ordinal_position",
        [catalog, schema, table, NIGHT_STAMP_COLUMN],
    ).fetchall():
        quoted = '"' + name + '"'
        if float_digits is not None and data_type in FLOAT_TYPES:
            quoted = f"printf('%.{int(float_digits)}g', {quoted}) as {quoted}"
        columns.append(quoted)
    return columns


def compare_warehouses(
    left: Path | str, right: Path | str, schema: str = "marts", float_digits: int | None = None
) -> dict:
    """Tables of `schema` present in both warehouses and equal as multisets of rows (doubles to `float_digits`
    significant digits when given)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {_quote(left)} as l (read_only)")
        con.execute(f"attach {_quote(right)} as r (read_only)")
        left_tables, right_tables = _tables(con, "l", schema), _tables(con, "r", schema)
        tables = {}
        for name in sorted(set(left_tables) | set(right_tables)):
            if name not in left_tables or name not in right_tables:
                tables[name] = {
                    "equal": False,
                    "problem": "missing in " + ("left" if name not in left_tables else "right"),
                }
                continue
            a, b = f"l.{schema}.{name}", f"r.{schema}.{name}"
            columns = ", ".join(_compared_columns(con, "l", schema, name, float_digits))
            only_left = con.execute(
                f"select count(*) from (select {columns} from {a} except all select {columns} from {b})"
            ).fetchone()[0]
            only_right = con.execute(
                f"select count(*) from (select {columns} from {b} except all select {columns} from {a})"
            ).fetchone()[0]
            rows = con.execute(f"select count(*) from {a}").fetchone()[0]
            tables[name] = {
                "equal": only_left == 0 and only_right == 0,
                "rows": rows,
                "only_left": only_left,
                "only_right": only_right,
            }
    finally:
        con.close()
    return {"equal": bool(tables) and all(t["equal"] for t in tables.values()), "tables": tables}
