"""Reuse of Great Expectations results whose inputs did not change, within one process.

GX costs about 20 ms per expectation whatever the data size, so a retry, or a test that
changes one column, should not pay for every expectation again. An expectation's result
is keyed by its configuration, the table's column names and row count, and a hash of the
data of the columns it reads (its `column`, `column_A`/`column_B`, `column_list` and the
columns of its `row_condition`); table-level expectations read only names and count; any
other expectation is keyed by the whole table's data. A changed input always revalidates.
"""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

import pandas as pd

MAX_ENTRIES = 4000
TABLE_LEVEL = ("expect_table_row_count_to_be_between", "expect_table_row_count_to_equal",
               "expect_table_columns_to_match_ordered_list", "expect_table_columns_to_match_set",
               "expect_table_column_count_to_equal", "expect_table_column_count_to_be_between")

_results: OrderedDict[str, dict] = OrderedDict()


class FrameHasher:
    """Hashes of one DataFrame's columns, each computed once."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.shape = json.dumps([[str(c) for c in frame.columns], [str(t) for t in frame.dtypes], len(frame)])
        self._columns: dict[str, str] = {}

    def column(self, name: str) -> str:
        if name not in self._columns:
            if name not in self.frame.columns:
                self._columns[name] = "absent"
            else:
                values = pd.util.hash_pandas_object(self.frame[name], index=False).to_numpy().tobytes()
                self._columns[name] = hashlib.sha256(values).hexdigest()
        return self._columns[name]

    def whole(self) -> str:
        return "|".join(self.column(str(c)) for c in self.frame.columns)


def _condition_columns(condition) -> set[str]:
    if isinstance(condition, dict):
        found = {condition["name"]} if isinstance(condition.get("name"), str) and len(condition) == 1 else set()
        for value in condition.values():
            found |= _condition_columns(value)
        return found
    if isinstance(condition, list):
        return set().union(*(_condition_columns(v) for v in condition)) if condition else set()
    return set()


def key(table: str, config: dict, hasher: FrameHasher) -> str | None:
    """The cache key of one expectation on this frame, or None when it cannot be computed."""
    try:
        kwargs = config.get("kwargs") or {}
        if config["type"] in TABLE_LEVEL:
            data = ""
        else:
            columns = set()
            for name in ("column", "column_A", "column_B"):
                if isinstance(kwargs.get(name), str):
                    columns.add(kwargs[name])
            columns |= {c for c in kwargs.get("column_list") or [] if isinstance(c, str)}
            condition = kwargs.get("row_condition")
            condition_columns = _condition_columns(condition) if isinstance(condition, dict) else set()
            if condition is not None and not condition_columns:  # cannot tell what it reads
                columns = set()
            columns |= condition_columns
            data = "|".join(f"{c}={hasher.column(c)}" for c in sorted(columns)) if columns else hasher.whole()
        text = json.dumps([table, config, hasher.shape, data], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()
    except Exception:  # unhashable content: validate instead
        return None


def get(cache_key: str | None) -> dict | None:
    if cache_key is None or cache_key not in _results:
        return None
    _results.move_to_end(cache_key)
    return _results[cache_key]


def put(cache_key: str | None, outcome: dict) -> None:
    if cache_key is None:
        return
    _results[cache_key] = outcome
    while len(_results) > MAX_ENTRIES:
        _results.popitem(last=False)


def clear() -> None:
    _results.clear()
