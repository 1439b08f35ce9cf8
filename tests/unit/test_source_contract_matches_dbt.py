"""The source contract exists in four places: plugins/kam/contract.py (what extraction validates
and creates raw from), dbt's sources (models/staging/_sources.yml), the staging models' tests
and the spec (../shared/spec/sources.md). These tests fail when a copy differs from kam.contract:
objects, column names and order, data types, nullability, enumerations and ranges; and when a
staging test of a row rule scans more than the night's rows or a key test less than the whole
view (docs/decisions/0017-tests-on-the-nights-rows.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kam.contract import OBJECTS, SQL_TYPES, objects_of

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
STAGING = DBT_PROJECT / "models" / "staging"
SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "sources.md"
SYSTEMS = ("erp", "crm")
# nullable contract columns that staging fills with a default (so staging tests not_null)
STAGING_DEFAULTS = {("accounts", "is_deleted")}
# the spec's words for the contract's types
SPEC_TYPES = {"rate": "decimal", "currency": "string"}


def _sources() -> dict[str, dict]:
    document = yaml.safe_load((STAGING / "_sources.yml").read_text())
    return {source["name"]: source for source in document["sources"]}


def _staging_columns(obj) -> dict[str, dict]:
    document = yaml.safe_load((STAGING / f"stg_{obj.system}__{obj.name}.yml").read_text())
    (model,) = [m for m in document["models"] if m["name"] == f"stg_{obj.system}__{obj.name}"]
    return {column["name"]: column for column in model["columns"]}


def _configs(column: dict) -> dict[str, dict]:
    """The column's data tests by name, with their config ({} without one)."""
    configs = {}
    for test in column.get("data_tests") or []:
        if isinstance(test, str):
            configs[test] = {}
        else:
            ((name, config),) = test.items()
            configs[name] = (config or {}).get("config", {})
    return configs


def _tests(column: dict) -> dict[str, dict]:
    """The column's data tests by name, with their arguments ({} for a bare test)."""
    tests = {}
    for test in column.get("data_tests") or []:
        if isinstance(test, str):
            tests[test] = {}
        else:
            ((name, config),) = test.items()
            tests[name] = (config or {}).get("arguments", {})
    return tests


def test_each_system_is_a_source_with_the_contract_objects():
    sources = _sources()
    for system in SYSTEMS:
        assert sources[system]["schema"] == "raw"
        assert [t["name"] for t in sources[system]["tables"]] == [o.name for o in objects_of(system)]
        assert sources[f"{system}_history"]["schema"] == "raw_history"
        assert [t["name"] for t in sources[f"{system}_history"]["tables"]] == [o.name for o in objects_of(system)]


@pytest.mark.parametrize("name", list(OBJECTS))
def test_source_columns_and_data_types_are_the_contract(name):
    obj = OBJECTS[name]
    (table,) = [t for t in _sources()[obj.system]["tables"] if t["name"] == name]
    declared = [(c["name"], c.get("data_type")) for c in table["columns"]]
    assert declared == [(c.name, SQL_TYPES[c.type]) for c in obj.columns]


@pytest.mark.parametrize("name", list(OBJECTS))
def test_staging_tests_hold_the_contract_nullability_enumerations_and_ranges(name):
    obj = OBJECTS[name]
    staged = _staging_columns(obj)
    assert [n for n in staged if not n.startswith("_")] == obj.column_names
    for column in obj.columns:
        tests = _tests(staged[column.name])
        label = f"stg_{obj.system}__{name}.{column.name}"
        if column.nullable:
            assert ("not_null" in tests) == ((name, column.name) in STAGING_DEFAULTS), label
        else:
            assert "not_null" in tests, label
        if column.enum:
            assert tests.get("accepted_values", {}).get("values") == list(column.enum), label
        else:
            assert "accepted_values" not in tests, label
        bounds = tests.get("between")
        if column.minimum is None and column.exclusive_minimum is None and column.maximum is None:
            assert bounds is None, label
            continue
        assert bounds is not None, label
        assert bounds.get("max_value") == column.maximum, label
        if column.exclusive_minimum is not None:
            assert (bounds["min_value"], bounds.get("min_inclusive")) == (column.exclusive_minimum, False), label
        else:
            assert (bounds.get("min_value"), bounds.get("min_inclusive", True)) == (column.minimum, True), label


@pytest.mark.parametrize("name", list(OBJECTS))
def test_staging_row_rules_test_the_nights_rows_and_keys_the_whole_view(name):
    obj = OBJECTS[name]
    for column in obj.columns:
        for test, config in _configs(_staging_columns(obj)[column.name]).items():
            label = f"stg_{obj.system}__{name}.{column.name}: {test}"
            assert config.get("where") == (None if column.name in obj.key else "__night_rows__"), label


def _spec_tables() -> dict[str, list[tuple[str, str, str]]]:
    """sources.md's table per object: (column, type text, meaning) rows."""
    tables: dict[str, list[tuple[str, str, str]]] = {}
    current = None
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### (\w+)", line)
        if heading:
            current = heading.group(1)
            continue
        row = re.match(r"^\|\s*(\w+)\s*\|([^|]*)\|([^|]*)\|$", line)
        if row and current and row.group(1) != "column":
            tables.setdefault(current, []).append((row.group(1), row.group(2).strip(), row.group(3).strip()))
    return tables


@pytest.mark.skipif(not SPEC.exists(), reason=f"spec not found at {SPEC}")
@pytest.mark.parametrize("name", list(OBJECTS))
def test_spec_table_is_the_contract(name):
    obj = OBJECTS[name]
    rows = _spec_tables()[name]
    assert [column for column, _, _ in rows] == obj.column_names
    for (column_name, type_text, meaning), column in zip(rows, obj.columns):
        assert type_text.split(",")[0].split()[0] == SPEC_TYPES.get(column.type, column.type), column_name
        assert ("nullable" in type_text or "optional" in type_text) == column.nullable, column_name
        if column.enum:
            assert tuple(re.findall(r"`(\w+)`", meaning)) == column.enum, column_name
