"""The run plan (`kam.run_plan`): per-run var overrides, the nightly/backfill decision, its XCom form."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from kam.config import load_settings
from kam.run_plan import RunPlan, decide_mode, plan_run, project_vars, validate_vars

KNOWN = {
    "as_of_date": None,
    "max_row_change": 0.25,
    "analysis_months": 12,
    "reporting_currency": "EUR",
    "kam_backfill": False,
    "schema_suffix": "",
    "published_schema": "reporting",
    "some_flag": True,
}


def test_overrides_of_known_vars_with_their_default_kind_pass():
    overrides = {"max_row_change": 0.4, "analysis_months": 6.5, "reporting_currency": "USD", "some_flag": False}
    assert validate_vars(overrides, KNOWN) == overrides
    assert validate_vars({"max_row_change": 1}, KNOWN) == {"max_row_change": 1}  # an int is a number
    assert validate_vars(None, KNOWN) == {} and validate_vars({}, KNOWN) == {}


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"max_row_chang": 0.4},
            "unknown dbt var 'max_row_chang' in vars: not in dbt_project.yml (known: "
            "analysis_months, max_row_change, reporting_currency, some_flag)",
        ),
        (
            {"max_row_change": "0.4"},
            "dbt var 'max_row_change' must be a number like its default 0.25, got string '0.4'",
        ),
        ({"max_row_change": True}, "dbt var 'max_row_change' must be a number like its default 0.25, got boolean True"),
        (
            {"reporting_currency": 1},
            "dbt var 'reporting_currency' must be a string like its default 'EUR', got number 1",
        ),
        ({"some_flag": "yes"}, "dbt var 'some_flag' must be a boolean like its default True, got string 'yes'"),
        ({"as_of_date": "2026-01-01"}, "dbt var 'as_of_date' cannot be overridden per run: the run plan sets it"),
        ({"kam_backfill": True}, "dbt var 'kam_backfill' cannot be overridden per run"),
        ({"schema_suffix": "_x"}, "dbt var 'schema_suffix' cannot be overridden per run"),
        ({"published_schema": "x"}, "dbt var 'published_schema' cannot be overridden per run"),
        (["max_row_change"], "vars must be a JSON object of dbt vars, got list ['max_row_change']"),
    ],
)
def test_bad_overrides_are_refused_naming_the_var(overrides, message):
    with pytest.raises(ValueError) as raised:
        validate_vars(overrides, KNOWN)
    assert str(raised.value).startswith(message)


def test_the_real_project_vars_are_checked_by_default():
    assert project_vars()["max_row_change"] == 0.25
    assert validate_vars({"max_row_change": 0.4}) == {"max_row_change": 0.4}
    with pytest.raises(ValueError, match="unknown dbt var 'nope'"):
        validate_vars({"nope": 1})


def test_mode_is_backfill_only_for_a_date_before_the_latest_extraction():
    assert decide_mode(date(2026, 10, 15), None) == "nightly"
    assert decide_mode(date(2026, 10, 15), date(2026, 10, 15)) == "nightly"  # a rerun of the latest night reads again
    assert decide_mode(date(2026, 10, 16), date(2026, 10, 15)) == "nightly"
    assert decide_mode(date(2026, 10, 14), date(2026, 10, 15)) == "backfill"


def test_a_backfill_plan_as_xcom_and_its_dbt_vars():
    plan = RunPlan(
        as_of=date(2026, 10, 10),
        mode="backfill",
        vars={"max_row_change": 0.4},
        latest_extracted_as_of=date(2026, 10, 16),
    )
    assert plan.to_dict() == {
        "as_of": "2026-10-10",
        "mode": "backfill",
        "candidates_schema": "marts_backfill",
        "schema_suffix": "_backfill",
        "vars": {"max_row_change": 0.4},
        "latest_extracted_as_of": "2026-10-16",
    }
    assert RunPlan.from_dict(plan.to_dict()) == plan
    assert plan.dbt_vars() == {"max_row_change": 0.4, "kam_backfill": True, "schema_suffix": "_backfill"}
    assert plan.full_refresh is True
    nightly = RunPlan(as_of=date(2026, 10, 16))
    assert nightly.dbt_vars() == {}  # the same every night (D goes in the environment): dbt reuses its parse
    assert (nightly.candidates_schema, nightly.schema_suffix, nightly.full_refresh) == ("marts", "", False)
    with pytest.raises(ValueError, match="run plan mode must be one of"):
        RunPlan(as_of=date(2026, 10, 16), mode="replay")


def _home(monkeypatch, tmp_path):
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    for name in ("KAM_WAREHOUSE", "KAM_WAREHOUSE_CONN_ID", "KAM_REPORTING_DB", "KAM_REPORTING_DB_CONN_ID"):
        monkeypatch.delenv(name, raising=False)
    return load_settings()


def test_plan_on_an_empty_home_is_a_nightly(monkeypatch, tmp_path):
    plan = plan_run(_home(monkeypatch, tmp_path), date(1998, 7, 31), {"max_row_change": 0.4})
    assert plan == RunPlan(as_of=date(1998, 7, 31), mode="nightly", vars={"max_row_change": 0.4})


def test_plan_of_a_date_before_the_latest_extraction_is_a_backfill(monkeypatch, tmp_path):
    settings = _home(monkeypatch, tmp_path)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema meta")
    con.execute("create table meta.extract_runs (run_id varchar, object varchar, as_of_date date)")
    con.execute("insert into meta.extract_runs values ('r1', 'orders', '2026-10-15'), ('r2', 'orders', '2026-10-16')")
    con.close()
    assert plan_run(settings, date(2026, 10, 10)) == RunPlan(
        as_of=date(2026, 10, 10), mode="backfill", latest_extracted_as_of=date(2026, 10, 16)
    )
    assert plan_run(settings, date(2026, 10, 16)).mode == "nightly"


def test_plan_refuses_bad_vars_before_touching_the_warehouse(monkeypatch, tmp_path):
    settings = _home(monkeypatch, tmp_path)
    with pytest.raises(ValueError, match="unknown dbt var 'nope'"):
        plan_run(settings, date(2026, 10, 10), {"nope": 1})
    assert list(tmp_path.iterdir()) == []
