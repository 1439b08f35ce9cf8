"""Gate thresholds come from the dbt vars (one place), overridable per run."""

from __future__ import annotations

import pytest
import yaml

from kam.quality.thresholds import DBT_PROJECT_FILE, load_thresholds, override_hint, suggested_limit


def _project(tmp_path, **vars_):
    path = tmp_path / "dbt_project.yml"
    path.write_text(yaml.safe_dump({"name": "x", "vars": vars_}))
    return path


def test_thresholds_are_the_dbt_vars(tmp_path):
    path = _project(
        tmp_path,
        quarantine_max_share=0.02,
        max_row_change=0.5,
        freshness_max_hours=24,
        abc_a_share=0.7,
        reporting_currency="chf",
    )
    t = load_thresholds(project_file=path)
    assert (t.quarantine_max_share, t.max_row_change, t.freshness_max_hours, t.abc_a_share) == (0.02, 0.5, 24, 0.7)
    assert t.reporting_currency == "CHF"


def test_the_project_file_holds_every_gate_var():
    project = yaml.safe_load(DBT_PROJECT_FILE.read_text())["vars"]
    t = load_thresholds()
    assert t.quarantine_max_share == project["quarantine_max_share"]
    assert t.max_row_change == project["max_row_change"]
    assert t.freshness_max_hours == project["freshness_max_hours"]
    assert t.abc_a_share == project["abc_a_share"]


def test_overrides_win(tmp_path):
    path = _project(tmp_path, quarantine_max_share=0.02, max_row_change=0.5, freshness_max_hours=24, abc_a_share=0.7)
    assert load_thresholds({"max_row_change": "0.1"}, project_file=path).max_row_change == 0.1


@pytest.mark.parametrize(
    "vars_, message",
    [
        ({"quarantine_max_share": 0.02, "max_row_change": 0.5, "freshness_max_hours": 24}, "'abc_a_share' is missing"),
        (
            {"quarantine_max_share": "a lot", "max_row_change": 0.5, "freshness_max_hours": 24, "abc_a_share": 0.8},
            "'quarantine_max_share' must be a number",
        ),
    ],
)
def test_bad_vars_are_named(tmp_path, vars_, message):
    with pytest.raises(ValueError, match=message):
        load_thresholds(project_file=_project(tmp_path, **vars_))


def test_margin_coverage_min_defaults_to_0_9_and_takes_overrides(tmp_path):
    path = _project(tmp_path, quarantine_max_share=0.02, max_row_change=0.5, freshness_max_hours=24, abc_a_share=0.7)
    assert load_thresholds(project_file=path).margin_coverage_min == 0.9
    assert load_thresholds({"margin_coverage_min": 0.8}, project_file=path).margin_coverage_min == 0.8
    with pytest.raises(ValueError, match="'max_row_change' must be a number, got True"):
        load_thresholds({"max_row_change": True}, project_file=path)


def test_override_hint_names_both_ways_to_pass_the_runs_vars():
    assert override_hint("2026-10-15", "max_row_change", 0.4) == (
        """make run AS_OF=2026-10-15 VARS='{"max_row_change": 0.4}' (or: airflow dags trigger kam_nightly """
        """-c '{"as_of": "2026-10-15", "vars": {"max_row_change": 0.4}}')"""
    )


@pytest.mark.parametrize("observed, limit", [(1 / 3, 0.34), (-0.5, 0.5), (0.02, 0.02), (144.0, 144.0)])
def test_suggested_limit_is_the_observed_value_rounded_up(observed, limit):
    assert suggested_limit(observed) == limit
