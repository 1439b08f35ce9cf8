"""Writing checked rows: quarantine the bad ones, merge the latest valid version into raw.

Of the valid rows of a key, the greatest `updated_at` wins, on a tie the greater
`_load_seq` (loaded later); `fx_rates` (no `updated_at`): the greater `_load_seq`.
A candidate replaces the stored row only if it wins against it and differs from
it in a contract value, so re-reading the same rows changes nothing. Every row
inserted or replaced in raw.<object> is also appended to raw_history.<object>
with the run's as-of date, in the same transaction (decision 0009).
"""

from __future__ import annotations

from datetime import date

import duckdb

from kam.contract import SourceObject
from kam.extract.staged import quote_ident, temp_name


def _v(name: str) -> str:
    return quote_ident(f"v__{name}")


def next_load_seq_base(con: duckdb.DuckDBPyConnection, obj: SourceObject) -> int:
    """Greatest `_load_seq` so far (raw, its history and this object's quarantined rows);
    new rows count up from it, so every load orders after everything before."""
    return con.execute(
        f"""
        select greatest(
            (select coalesce(max(_load_seq), 0) from raw.{obj.name}),
            (select coalesce(max(_load_seq), 0) from raw_history.{obj.name}),
            (select coalesce(max(load_seq), 0) from quarantine.rows where object = ?))
    """,
        [obj.name],
    ).fetchone()[0]


def quarantine_bad_rows(
    con: duckdb.DuckDBPyConnection, obj: SourceObject, checked: str, reads: str, run_id: str, as_of: date
) -> int:
    """Insert the bad rows of `checked` not quarantined yet; returns rows inserted.

    `reads` is a table (source, version) of the sources read. A file's bad row is known by
    (object, source, version, row_number), a table's by (object, source, raw).
    """
    before = con.execute("select count(*) from quarantine.rows").fetchone()[0]
    con.execute(
        f"""
        insert into quarantine.rows (object, reason, source, row_number, raw, run_id, quarantined_at,
                                     as_of_date, version, key_text, load_seq)
        select ?, c._reason, c._source, c._row, c._raw, ?, current_timestamp, ?, r.version, c._key_text, c._load_seq
        from {checked} c join {reads} r on r.source = c._source
        where c._reason is not null
          and not exists (
              select 1 from quarantine.rows q
              where q.object = ? and q.source = c._source
                and (case when c._source like 'table:%' then q.raw is not distinct from c._raw
                          else q.version = r.version and q.row_number = c._row end))
    """,
        [obj.name, run_id, as_of, obj.name],
    )
    return con.execute("select count(*) from quarantine.rows").fetchone()[0] - before


def merge_into_raw(con: duckdb.DuckDBPyConnection, obj: SourceObject, checked: str, run_id: str, as_of: date) -> int:
    """Merge the winning valid rows of `checked` into raw.<object> and append them to
    raw_history.<object> (as of `as_of`); returns rows inserted or replaced.

    Into an empty raw (a first night: the whole history at once) every best row is a winner, so it
    is not joined with raw nor copied again."""
    keys = ", ".join(_v(k) for k in obj.key)
    order = "v__updated_at desc, _load_seq desc" if obj.has_updated_at else "_load_seq desc"
    winners = temp_name("win")
    best = f"""
        select * exclude (_rank) from (
            select *, row_number() over (partition by {keys} order by {order}) as _rank
            from {checked} where _reason is null)
        where _rank = 1
    """
    raw_empty = con.execute(f"select count(*) = 0 from (select 1 from raw.{obj.name} limit 1)").fetchone()[0]
    if raw_empty:
        con.execute(f"create temp table {winners} as {best}")
    else:
        on_keys = " and ".join(f"r.{quote_ident(k)} = b.{_v(k)}" for k in obj.key)
        differs = " or ".join(f"r.{quote_ident(c)} is distinct from b.{_v(c)}" for c in obj.column_names)
        if obj.has_updated_at:
            wins = f"b.v__updated_at > r.updated_at or (b.v__updated_at = r.updated_at and ({differs}))"
        else:
            wins = differs
        con.execute(f"""
            create temp table {winners} as
            select b.* from ({best}) b left join raw.{obj.name} r on {on_keys}
            where r.{quote_ident(obj.key[0])} is null or {wins}
        """)
    changed = con.execute(f"select count(*) from {winners}").fetchone()[0]
    if changed and not raw_empty:
        match = " and ".join(f"raw.{obj.name}.{quote_ident(k)} = w.{_v(k)}" for k in obj.key)
        con.execute(f"delete from raw.{obj.name} using {winners} w where {match}")
    if changed:
        columns = ", ".join(quote_ident(c) for c in obj.column_names)
        values = ", ".join(_v(c) for c in obj.column_names)
        con.execute(
            f"""
            insert into raw.{obj.name} ({columns}, _source, _row, _run_id, _load_seq)
            select {values}, _source, _row, ?, _load_seq from {winners}
        """,
            [run_id],
        )
        con.execute(
            f"""
            insert into raw_history.{obj.name} ({columns}, _source, _row, _run_id, _load_seq, _as_of_date)
            select {values}, _source, _row, ?, _load_seq, ? from {winners}
        """,
            [run_id, as_of],
        )
    con.execute(f"drop table {winners}")
    return changed
