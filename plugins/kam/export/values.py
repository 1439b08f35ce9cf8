"""How one value is written: as CSV text, and as a workbook cell value.

The rules that make every sheet equal its CSV, and formula-like text safe, are in
docs/decisions/0015; `is_formula_like` is the one test for the latter.
"""

from __future__ import annotations

import functools
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


def _float_text(value: float) -> str:
    if not math.isfinite(value):
        return repr(value)
    text = f"{value:.16g}"
    if "e" in text:
        return _plain_number(Decimal(text))
    return "0" if text == "-0" else text


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


#: the CSV text of a value, by its type (a subclass takes its nearest base's, `_csv_formatter`)
_CSV_TEXT = {
    type(None): lambda _: "",
    bool: lambda value: "true" if value else "false",
    str: _text,
    int: str,
    float: _float_text,
    Decimal: _plain_number,
    date: lambda value: value.isoformat(),
    datetime: lambda value: _utc_naive(value).isoformat(),
    time: lambda value: value.isoformat(),
}


@functools.cache
def _csv_formatter(kind: type):
    """The formatter of the nearest base of `kind` in `_CSV_TEXT` (bool before int, datetime before date); `str`."""
    return next((_CSV_TEXT[base] for base in kind.__mro__ if base in _CSV_TEXT), str)


def csv_text(value) -> str:
    """The CSV field of one value."""
    return (_CSV_TEXT.get(type(value)) or _csv_formatter(type(value)))(value)


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
