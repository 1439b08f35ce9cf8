"""The number format of a workbook column, and how wide its cells read: chosen by the column's values and name.

A column's kind is the type of its first value (the marts' contracts give every column one type):
decimals are the EUR amounts (`decimal(18,2)`), integers are counts, dates are dates; a double is a
percentage when its name says share, rate or coverage, else a number with two decimals; booleans
read TRUE and FALSE. Text stays General. The widths follow the text a cell shows in its format.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from kam.export.values import csv_text

EUR = '#,##0.00 "€";[Red]-#,##0.00 "€"'
PERCENT = "0.00%"
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm:ss"
BOOLEAN = '"TRUE";"TRUE";"FALSE"'  # Excel shows a boolean cell so anyway; LibreOffice would show 1 and 0
#: words of a double's name that make it a percentage
PERCENT_WORDS = frozenset({"share", "rate", "coverage"})


def number_format(name: str, value) -> str | None:
    """The format of the column `name` whose first value is `value`; None: General."""
    if isinstance(value, bool):
        return BOOLEAN
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, Decimal):
        return EUR
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return PERCENT if PERCENT_WORDS & set(name.split("_")) else DECIMAL
    if isinstance(value, datetime):
        return DATETIME
    if isinstance(value, date):
        return DATE
    return None


def _shown(fmt: str | None):
    """How a value reads in format `fmt` (near enough to size the column)."""
    if fmt == EUR:
        return lambda v: f"{v:,.2f} €" if isinstance(v, (int, float, Decimal)) else csv_text(v)
    if fmt in (DECIMAL, INTEGER):
        spec = ",.2f" if fmt == DECIMAL else ","
        return lambda v: format(v, spec) if isinstance(v, (int, float, Decimal)) else csv_text(v)
    if fmt == PERCENT:
        return lambda v: f"{v * 100:.2f}%" if isinstance(v, (int, float)) else csv_text(v)
    if fmt == DATE:
        return lambda v: "yyyy-mm-dd" if isinstance(v, date) else csv_text(v)
    return csv_text


def shown_width(fmt: str | None, values) -> int:
    """The length of the longest text the non-null `values` show in format `fmt` (0 without any)."""
    return max(map(len, map(_shown(fmt), (v for v in values if v is not None))), default=0)
