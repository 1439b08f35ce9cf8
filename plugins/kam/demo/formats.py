"""Text of values as the source systems write them, with the variety real sources show.

Timestamps get offsets (or none, meaning UTC), now and then a space for the `T`
or fractional seconds; booleans come as true/false, yes/no or 1/0 in any case;
a few enumeration values have stray case or whitespace. The variant of a value
is chosen by a stable hash `h` in [0, 1) per row (see hashing.py).
"""

from __future__ import annotations

import numpy as np

# (suffix, minutes east of UTC, share of rows)
_OFFSETS = [
    ("Z", 0, 0.40),
    ("", 0, 0.30),
    ("+01:00", 60, 0.10),
    ("+02:00", 120, 0.09),
    ("-05:00", -300, 0.05),
    ("+05:30", 330, 0.04),
    ("-04:00", -240, 0.02),
]
_OFFSET_TEXT = np.array([o[0] for o in _OFFSETS])
_OFFSET_MINUTES = np.array([o[1] for o in _OFFSETS], dtype=np.int64)
_OFFSET_EDGES = np.cumsum([o[2] for o in _OFFSETS])[:-1]
_BOOLEAN_WORDS = [
    ("true", "false"),
    ("true", "false"),
    ("true", "false"),
    ("yes", "no"),
    ("1", "0"),
    ("TRUE", "FALSE"),
    ("Yes", "No"),
]


def _second_hash(h: np.ndarray) -> np.ndarray:
    return (np.asarray(h) * 977.0) % 1.0


def timestamps(minutes: np.ndarray, h: np.ndarray) -> np.ndarray:
    """ISO 8601 text of UTC minute instants, written in assorted offsets."""
    choice = np.searchsorted(_OFFSET_EDGES, h, side="right")
    local = (np.asarray(minutes, dtype=np.int64) + _OFFSET_MINUTES[choice]).astype("datetime64[m]")
    text = np.datetime_as_string(local, unit="m")
    h2 = _second_hash(h)
    text = np.char.add(text, np.where(h2 < 0.02, ":00.000", ":00"))
    text = np.char.add(text, _OFFSET_TEXT[choice])
    spaced = h2 > 0.97
    if spaced.any():
        text[spaced] = np.char.replace(text[spaced], "T", " ")
    return text.astype(object)


def dates(days: np.ndarray) -> np.ndarray:
    """YYYY-MM-DD text of day numbers."""
    return np.datetime_as_string(np.asarray(days, dtype=np.int64).astype("datetime64[D]")).astype(object)


def with_nulls(values: np.ndarray, null: np.ndarray) -> np.ndarray:
    """An object array with None where `null` is true."""
    out = np.asarray(values, dtype=object).copy()
    out[np.asarray(null, dtype=bool)] = None
    return out


def booleans(values: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Text of booleans in the spellings sources use."""
    choice = np.minimum((np.asarray(h) * len(_BOOLEAN_WORDS)).astype(int), len(_BOOLEAN_WORDS) - 1)
    true_words = np.array([w[0] for w in _BOOLEAN_WORDS])[choice]
    false_words = np.array([w[1] for w in _BOOLEAN_WORDS])[choice]
    return np.where(np.asarray(values, dtype=bool), true_words, false_words).astype(object)


def untidy(values: np.ndarray, h: np.ndarray, share: float = 0.03) -> np.ndarray:
    """Enumeration text where about `share` of the values have stray case or spaces."""
    values = np.asarray(values, dtype=object).copy()
    h2 = _second_hash(h)
    for i in np.flatnonzero(np.asarray(h) < share):
        text = str(values[i])
        values[i] = [text.upper(), text.capitalize(), " " + text, text + " "][int(h2[i] * 4)]
    return values


def cents_text(cents: np.ndarray) -> np.ndarray:
    """Decimal text with two places of amounts held as integer cents (not negative)."""
    cents = np.asarray(cents, dtype=np.int64)
    whole = (cents // 100).astype(str).astype(object)
    frac = np.char.zfill((cents % 100).astype(str), 2).astype(object)
    return whole + "." + frac
