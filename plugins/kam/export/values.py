"""How one value is written: as CSV text, and as a workbook cell value.

The rules that make every sheet equal its CSV, and formula-like text safe, are in
docs/decisions/0015; `is_formula_like` is the one test for the latter.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: a text cell beginning with one of these would be run by a spreadsheet as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """A text value a spreadsheet could take for a formula (outputs.md v1.1)."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _utc_naive(value: datetime) -> datetime:
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
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
        return _plain_number(Decimal(f"{value:.16g}"))
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
