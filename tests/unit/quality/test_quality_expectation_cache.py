"""The expectation-result cache: a result is reused only when everything it reads is unchanged."""
from __future__ import annotations

import pandas as pd

from kam.quality.expectation_cache import FrameHasher, key

NOT_NULL = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "abc"}}
CONDITIONAL = {"type": "expect_column_values_to_be_null", "kwargs": {
    "column": "abc", "row_condition": {"type": "comparison", "column": {"name": "revenue"}, "operator": "<=",
                                       "parameter": 0}}}
ROW_COUNT = {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 2}}
MULTI = {"type": "expect_multicolumn_sum_to_equal", "kwargs": {"column_list": ["revenue"], "sum_total": 1}}
OTHER = {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": "select * from {batch}"}}
TEXT_CONDITION = {"type": "expect_column_values_to_be_null", "kwargs": {"column": "abc", "row_condition": "x > 0"}}


def _frame(**changes):
    data = {"abc": ["A", None], "revenue": [5.0, 0.0], "note": ["x", "y"]}
    data.update(changes)
    return pd.DataFrame(data)


def _key(config, frame, table="t"):
    return key(table, config, FrameHasher(frame))


def test_same_inputs_same_key():
    assert _key(NOT_NULL, _frame()) == _key(NOT_NULL, _frame())


def test_a_change_in_a_column_read_changes_the_key():
    assert _key(NOT_NULL, _frame()) != _key(NOT_NULL, _frame(abc=["A", "B"]))
    assert _key(CONDITIONAL, _frame()) != _key(CONDITIONAL, _frame(revenue=[5.0, 1.0]))  # condition column


def test_a_change_elsewhere_keeps_the_key():
    assert _key(NOT_NULL, _frame()) == _key(NOT_NULL, _frame(note=["z", "y"]))
    assert _key(CONDITIONAL, _frame()) == _key(CONDITIONAL, _frame(note=["z", "y"]))
    assert _key(MULTI, _frame()) == _key(MULTI, _frame(note=["z", "y"]))
    assert _key(MULTI, _frame()) != _key(MULTI, _frame(revenue=[5.0, 1.0]))


def test_table_level_reads_names_and_row_count_only():
    assert _key(ROW_COUNT, _frame()) == _key(ROW_COUNT, _frame(abc=["B", "C"]))
    assert _key(ROW_COUNT, _frame()) != _key(ROW_COUNT, _frame().iloc[:1])
    assert _key(ROW_COUNT, _frame()) != _key(ROW_COUNT, _frame().rename(columns={"note": "remark"}))


def test_expectation_table_and_configuration_are_part_of_the_key():
    assert _key(NOT_NULL, _frame()) != _key(NOT_NULL, _frame(), table="u")
    other = {"type": NOT_NULL["type"], "kwargs": {"column": "abc", "mostly": 0.5}}
    assert _key(NOT_NULL, _frame()) != _key(other, _frame())


def test_unknown_reads_use_the_whole_table():
    assert _key(OTHER, _frame()) != _key(OTHER, _frame(note=["z", "y"]))
    assert _key(TEXT_CONDITION, _frame()) != _key(TEXT_CONDITION, _frame(note=["z", "y"]))
