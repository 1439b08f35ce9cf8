"""Colours for the status columns of the workbook: the values sales ops act on stand out.

By column name, wherever the column is exported: `lapse_status` (active green, at risk amber,
lapsed red, lost white on dark red), `failure_trend` (rising red, falling green) and
`is_overloaded` (true red). Each is an Excel "cell value equals" rule over the column's data rows.
"""

from __future__ import annotations

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill

#: (fill, font colour) of Excel's "Good", "Neutral" and "Bad" cell styles, and a darker one for lost
GOOD = ("C6EFCE", "006100")
NEUTRAL = ("FFEB9C", "9C5700")
BAD = ("FFC7CE", "9C0006")
GONE = ("C00000", "FFFFFF")

#: column -> (value, colours) in rule order
STATUS_COLOURS = {
    "lapse_status": (("active", GOOD), ("at_risk", NEUTRAL), ("lapsed", BAD), ("lost", GONE)),
    "failure_trend": (("rising", BAD), ("falling", GOOD)),
    "is_overloaded": ((True, BAD),),
}


def _formula(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return '"' + str(value).replace('"', '""') + '"'


def status_rules(column: str) -> list[CellIsRule]:
    """The rules of the column `column` (none for a column without status colours)."""
    return [
        CellIsRule(
            operator="equal",
            formula=[_formula(value)],
            fill=PatternFill(fill_type="solid", start_color=fill, end_color=fill, bgColor=fill),
            font=Font(color=font),
        )
        for value, (fill, font) in STATUS_COLOURS.get(column, ())
    ]
