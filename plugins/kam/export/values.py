"""How one value is written: as CSV text, and as a workbook cell value.

CSV: empty for null, `true`/`false`, ISO dates (timestamps ISO in UTC), decimals
and floats with a dot and never in exponent notation, text as is except that a
text beginning like a formula gets a leading `'` (outputs.md v1.1, OWASP's CSV
injection advice; `is_formula_like` is the one rule, the workbook writes such
text as a plain string cell, unchanged). Numbers and dates are never text here,
so a negative amount keeps its `-`. Floats carry
16 significant digits, exactly the number the workbook stores (openpyxl writes
numbers as "%.16g"), so every sheet equals its CSV (but for the `'` of formula-like text).
Workbook: numbers stay numbers, dates dates, booleans booleans; timestamps become
naive UTC (Excel has no time zones).
"""
from __future__ import annotations

import math
from datetime import date, datetime, time, timezone
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


#: a text cell beginning with one of these would be run by a spreadsheet as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """A text value a spreadsheet could take for a formula (outputs.md v1.1)."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _utc_naive(value: datetime) -> datetime:
    if value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _plain_number(value: Decimal) -> str:
    text = format(value, "f")
    return "0" if text in ("-0", "") else text


def csv_text(value) -> str:
    """The CSV field of one value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _utc_naive(value).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _plain_number(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        return _plain_number(Decimal("%.16g" % value))
    if isinstance(value, str):
        return f"'{value}" if is_formula_like(value) else value
    return str(value)


def excel_value(value):
    """The workbook cell value of one value."""
    if isinstance(value, datetime):
        return _utc_naive(value)
    if isinstance(value, str):
        # control characters are illegal in XLSX; they are replaced, not dropped silently
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value
