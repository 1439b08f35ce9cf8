"""The header a workbook sheet shows for a column: one rule from the column's name (the CSV keeps the name).

`revenue_prev_12m` reads "Revenue previous 12 months", `is_key_account` "Key account?", `abc_xyz`
"ABC-XYZ": the name's words, first one capitalised, with the abbreviations below spelt out or
capitalised, and a yes/no flag (`is_…`, `was_…`) as a question. No other place names a column for people.
"""

from __future__ import annotations

#: two words of a name read as one
PHRASES = {("abc", "xyz"): "ABC-XYZ", ("as", "of"): "as-of", ("three", "p"): "3P"}
#: single words written differently
WORDS = {
    "abc": "ABC",
    "xyz": "XYZ",
    "kam": "KAM",
    "otif": "OTIF",
    "cv": "CV",
    "id": "ID",
    "12m": "12 months",
    "90d": "90 days",
    "prev": "previous",
    "cum": "cumulative",
    "winback": "win-back",
}
FLAG_PREFIXES = ("is", "was")


def column_label(name: str) -> str:
    """The readable header of the column `name` (a lower-case SQL identifier)."""
    words = name.split("_")
    question = len(words) > 1 and words[0] in FLAG_PREFIXES
    if question and words[0] == "is":
        words = words[1:]
    readable, i = [], 0
    while i < len(words):
        pair = tuple(words[i : i + 2])
        if pair in PHRASES:
            readable.append(PHRASES[pair])
            i += 2
        else:
            readable.append(WORDS.get(words[i], words[i]))
            i += 1
    text = " ".join(readable)
    text = text[:1].upper() + text[1:]
    return text + "?" if question else text


def column_labels(names) -> list[str]:
    """The headers of one sheet's columns; two columns reading the same is an error (a table needs unique names)."""
    labels = [column_label(name) for name in names]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        raise ValueError(f"columns {list(names)} give the same header twice: {twice} (kam.export.column_labels)")
    return labels
