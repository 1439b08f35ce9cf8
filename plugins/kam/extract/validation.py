"""Vectorised contract checks: one SQL statement turns a staged source into checked rows.

Values are trimmed (empty = null); each contract column gets its converted value `v__<column>` and,
when it breaks sources.md's contract, a reason; `_reason` joins them with '; ' (null = valid).
Timestamps more than a day after `extracted_at` are bad, so one can never become a watermark.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kam.contract import SQL_TYPES, Column, SourceObject
from kam.extract.staged import StagedSource, quote_ident, quote_literal

WHITESPACE = "' \t\r\n'"
DATE_RE = r"\d{4}-\d{2}-\d{2}"
NUMBER_RE = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
# a plain date (midnight), or date, T or space, HH:MM[:SS[.fraction]], then Z or an offset or nothing (UTC)
TIMESTAMP_RE = (
    r"\d{4}-\d{2}-\d{2}([Tt ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?"
    r"([Zz]|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?)?"
)
PATTERNS = {"date": DATE_RE, "timestamp": TIMESTAMP_RE, "decimal": NUMBER_RE, "rate": NUMBER_RE, "integer": NUMBER_RE}
EARLIEST_DATE, LATEST_DATE = "1900-01-01", "2100-12-31"
FUTURE_TOLERANCE = timedelta(days=1)
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


def _t(col: Column) -> str:
    """Trimmed text, null when empty."""
    return quote_ident(f"t__{col.name}")


def _m(col: Column) -> str:
    """Whether the trimmed text has the shape of the column's type."""
    return quote_ident(f"m__{col.name}")


def _w(col: Column) -> str:
    """Integer columns: the number read wide (decimal(38,10)), to test integrality."""
    return quote_ident(f"w__{col.name}")


def _v(col: Column) -> str:
    """The converted value."""
    return quote_ident(f"v__{col.name}")


def _reason(col: Column, text: str) -> str:
    return f"{quote_literal(col.name + ': ' + text + ': ')} || '''' || {_t(col)} || ''''"


def _in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(quote_literal(v) for v in values) + ")"


def _shape(col: Column) -> str | None:
    pattern = PATTERNS.get(col.type)
    return f"regexp_full_match({_t(col)}, {quote_literal(pattern)})" if pattern else None


def _converted(col: Column) -> str:
    """SQL of the converted (typed) value; null when empty or invalid."""
    t, m = _t(col), _m(col)
    kind = col.type
    if kind == "date":
        return f"case when {m} then try_cast({t} as date) end"
    if kind == "timestamp":  # session TimeZone is UTC: no offset means UTC
        return f"case when {m} then timezone('UTC', try_cast(upper({t}) as timestamptz)) end"
    if kind in ("decimal", "rate"):
        return f"case when {m} then try_cast({t} as {SQL_TYPES[kind]}) end"
    if kind == "integer":
        return f"case when {_w(col)} = trunc({_w(col)}) then try_cast({_w(col)} as bigint) end"
    if kind == "boolean":
        return (
            f"case when lower({t}) in {_in_list(TRUE_WORDS)} then true "
            f"when lower({t}) in {_in_list(FALSE_WORDS)} then false end"
        )
    if kind == "enum":
        return f"case when lower({t}) in {_in_list(col.enum)} then lower({t}) end"
    if kind == "currency":
        return f"upper({t})"
    return t


def _range_text(col: Column) -> str | None:
    low = col.exclusive_minimum if col.exclusive_minimum is not None else col.minimum
    if low is not None and col.maximum is not None:
        return f"{_num(low)}..{_num(col.maximum)}"
    if col.exclusive_minimum is not None:
        return f">{_num(col.exclusive_minimum)}"
    if col.minimum is not None:
        return f">={_num(col.minimum)}"
    if col.maximum is not None:
        return f"<={_num(col.maximum)}"
    return None


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _range_violation(col: Column) -> str | None:
    v = _v(col)
    conds = []
    if col.exclusive_minimum is not None:
        conds.append(f"{v} <= {col.exclusive_minimum}")
    if col.minimum is not None:
        conds.append(f"{v} < {col.minimum}")
    if col.maximum is not None:
        conds.append(f"{v} > {col.maximum}")
    return " or ".join(conds) if conds else None


def _date_range_violation(col: Column) -> str:
    day = f"cast({_v(col)} as date)"
    return f"{day} < date '{EARLIEST_DATE}' or {day} > date '{LATEST_DATE}'"


def _column_reason(col: Column, is_key: bool, latest_timestamp: str) -> str:
    """SQL giving this column's reason (null when fine)."""
    t, m, v = _t(col), _m(col), _v(col)
    if is_key or col.nullable:
        whens = [f"when {t} is null then null"]  # an empty key is reported once as 'missing key'
    else:
        whens = [f"when {t} is null then {quote_literal(col.name + ': missing required value')}"]
    kind = col.type
    if kind == "date":
        whens.append(f"when not {m} then {_reason(col, 'not a date')}")
        whens.append(f"when {v} is null then {_reason(col, 'unparseable date')}")
        whens.append(
            f"when {_date_range_violation(col)} then "
            f"{_reason(col, f'date out of range {EARLIEST_DATE}..{LATEST_DATE}')}"
        )
    elif kind == "timestamp":
        whens.append(f"when not {m} then {_reason(col, 'not a timestamp')}")
        whens.append(f"when {v} is null then {_reason(col, 'unparseable timestamp')}")
        whens.append(
            f"when {_date_range_violation(col)} then "
            f"{_reason(col, f'date out of range {EARLIEST_DATE}..{LATEST_DATE}')}"
        )
        whens.append(f"when {v} > {latest_timestamp} then {_reason(col, 'timestamp in the future')}")
    elif kind in ("decimal", "rate", "integer"):
        whens.append(f"when not {m} then {_reason(col, 'not a number')}")
        if kind == "integer":
            whens.append(f"when {_w(col)} <> trunc({_w(col)}) then {_reason(col, 'not an integer')}")
        whens.append(f"when {v} is null then {_reason(col, 'number too large')}")
    elif kind == "boolean":
        whens.append(f"when {v} is null then {_reason(col, 'not a boolean')}")
    elif kind == "enum":
        whens.append(f"when {v} is null then {_reason(col, 'not in enumeration')}")
    violation = _range_violation(col)
    if violation:
        whens.append(f"when {violation} then {_reason(col, f'out of range ({_range_text(col)})')}")
    return "case " + " ".join(whens) + " end"


def _key_text(obj: SourceObject) -> str:
    """The key values joined by '|' as raw stores them (cast to text; the trimmed text where a
    value does not convert); null when a key value is empty."""
    key_missing = " or ".join(f"{_t(obj.column(k))} is null" for k in obj.key)
    parts = ", ".join(f"coalesce(cast({_v(obj.column(k))} as varchar), {_t(obj.column(k))})" for k in obj.key)
    return f"case when {key_missing} then null else concat_ws('|', {parts}) end"


def _utc_naive(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def checked_select(
    obj: SourceObject, staged: StagedSource, seq_offset: int, extracted_at: datetime | None = None
) -> str:
    """SELECT producing, per staged row: v__<col> typed values, _source, _row, _load_seq, _reason, _raw,
    _key_text. `extracted_at` is the moment of extraction (naive = UTC; None = now)."""
    latest = _utc_naive(extracted_at) + FUTURE_TOLERANCE
    latest_timestamp = f"timestamp '{latest.isoformat(sep=' ')}'"
    trimmed = ", ".join(f"nullif(trim({staged.columns[c.name]}, {WHITESPACE}), '') as {_t(c)}" for c in obj.columns)
    shapes = "".join(f", {_shape(c)} as {_m(c)}" for c in obj.columns if _shape(c))
    wide = "".join(
        f", case when {_m(c)} then try_cast({_t(c)} as decimal(38,10)) end as {_w(c)}"
        for c in obj.columns
        if c.type == "integer"
    )
    converted = ", ".join(f"{_converted(c)} as {_v(c)}" for c in obj.columns)
    key_missing = " or ".join(f"{_t(obj.column(k))} is null" for k in obj.key)
    reasons = [f"case when {key_missing} then 'missing key' end"]
    reasons += [_column_reason(c, c.name in obj.key, latest_timestamp) for c in obj.columns]
    reason = f"coalesce({staged.parse_error}, nullif(concat_ws('; ', {', '.join(reasons)}), ''))"
    values = ", ".join(_v(c) for c in obj.columns)
    return f"""
        select {values}, {quote_literal(staged.source)} as _source, _row, {int(seq_offset)} + _row as _load_seq,
               _reason, case when _reason is not null then {staged.raw} end as _raw,
               case when _reason is not null then {_key_text(obj)} end as _key_text
        from (select *, {reason} as _reason
              from (select *, {converted}
                    from (select *{wide}
                          from (select *{shapes}
                                from (select *, {staged.row} as _row, {trimmed} from {staged.table}) s0) s1) s2) s3) s4
    """
