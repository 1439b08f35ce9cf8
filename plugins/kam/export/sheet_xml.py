"""A worksheet's data rows as XLSX XML, the bytes openpyxl's write-only writer produces, at a tenth of its cost.

openpyxl builds and serialises an element per cell (about 10 µs: most of a 10M-line night's
export); this writes the same `<c>` elements with one f-string each. A dated cell's style id
comes from openpyxl itself, the first time each kind of value appears, so the workbook
registers its styles in the order openpyxl would (docs/decisions/0019). A column with a number
format (`styles`) gives each of its cells that style, as openpyxl writes a styled cell (docs/decisions/0023).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import Decimal
from typing import TextIO
from xml.sax.saxutils import escape

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from kam.export.values import excel_value

MAX_TEXT = 32767  # openpyxl cuts longer text to this many characters
# numbers are written as openpyxl writes them: "%.16g" of the float (a decimal too, docs/decisions/0015)
NUMBERS = (int, float, Decimal)
MOMENTS = (date, datetime, time)
_STYLED = '" s="'  # closes a cell's reference and opens its style id


def _text_cell(ref: str, value: str) -> str:
    """A string cell; formula-like text too (it never is empty or an error code), so it is never run."""
    value = value[:MAX_TEXT]
    if not value:
        return f'<c r="{ref}" t="inlineStr" />'
    if value in ERROR_CODES:
        return f'<c r="{ref}" t="e"><v>{escape(value)}</v></c>'
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and stripped != value else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def _bool_cell(ref: str, value: bool) -> str:
    return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'


def _number_cell(ref: str, value) -> str:
    return f'<c r="{ref}" t="n"><v>{float(value):.16g}</v></c>'


def _float_cell(ref: str, value: float) -> str:
    return _number_cell(ref, value) if math.isfinite(value) else _text_cell(ref, repr(value))


class SheetRows:
    """Writes the data rows of one sheet (row 2 on) to `out`, as `<row>` elements of `<sheetData>`.

    `styles[i]`: the style id of column i's cells (openpyxl's, of a cell with the column's number
    format), or None (General; a date gets openpyxl's date style).
    """

    def __init__(self, sheet, columns: int, out: TextIO, styles: list[int | None] | None = None) -> None:
        self.sheet = sheet  # the openpyxl sheet: its workbook registers the styles of dated cells
        styles = styles or [None] * columns
        # a styled column's cells carry the style right after their reference (`r`, `s`, `t`, as openpyxl)
        self.letters = [get_column_letter(i) for i in range(1, columns + 1)]
        self.ends = ["" if style is None else f"{_STYLED}{style}" for style in styles]
        self.out = out
        self.row_number = 1
        self._style_ids: dict[type, int] = {}
        self._moments: dict = {}  # date, datetime or time -> the end of its cell
        # the common exact types, each straight to its cell (the same cell `_cell` makes of it)
        self._by_type = {
            str: lambda ref, value: _text_cell(ref, ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)),
            bool: _bool_cell,
            int: _number_cell,
            Decimal: _number_cell,
            float: _float_cell,
            date: self._moment_cell,
        }

    def _style_id(self, value) -> int:
        kind = type(value)
        if kind not in self._style_ids:
            self._style_ids[kind] = WriteOnlyCell(self.sheet, value).style_id
        return self._style_ids[kind]

    def _moment_cell(self, ref: str, value) -> str:
        if value not in self._moments:  # a sheet holds few distinct dates: each is converted once
            self._moments[value] = f'" t="n"><v>{float(to_excel(value)):.16g}</v></c>'
        if _STYLED in ref:  # the column's own (date) format
            return f'<c r="{ref}{self._moments[value]}'
        return f'<c r="{ref}{_STYLED}{self._style_id(value)}{self._moments[value]}'

    def _cell(self, ref: str, value) -> str:
        """The `<c>` element of one value, as openpyxl writes it after `excel_value`."""
        value = excel_value(value)
        kind = type(value)
        if kind is str:
            return _text_cell(ref, value)
        if kind is bool:
            return _bool_cell(ref, value)
        if kind in NUMBERS:
            return _number_cell(ref, value)
        if kind in MOMENTS:
            return self._moment_cell(ref, value)
        raise TypeError(f"cannot write {value!r} ({kind.__name__}) to the workbook")

    def write(self, values) -> None:
        """Append one row (values in column order; None leaves the cell out)."""
        self.row_number += 1
        n = self.row_number
        by_type, other = self._by_type, self._cell
        cells = "".join(
            [
                by_type.get(type(value), other)(f"{letter}{n}{end}", value)
                for letter, end, value in zip(self.letters, self.ends, values)
                if value is not None
            ]
        )
        self.out.write(f'<row r="{n}">{cells}</row>')
