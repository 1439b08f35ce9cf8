"""The gate's Great Expectations project `gx/`: one suite, validation definition and checkpoint,
judging the checks' observations with the run's thresholds; a broken project fails closed."""

from __future__ import annotations

import json
import shutil

import pytest
from great_expectations.exceptions import GreatExpectationsError

from kam.quality import gx_gate
from kam.quality.gx_gate import Observation
from kam.quality.result import CheckResult
from kam.quality.thresholds import load_thresholds

GX_DIR = gx_gate.PROJECT_ROOT / "gx"
GX_CHECKS = {"source_files_readable", "quarantine_share", "row_count_change", "freshness", "table_expectations"}


def _observation(name: str, *rows) -> Observation:
    return Observation(
        CheckResult(name, True, True, None, None, "fine"),
        list(rows),
        lambda failing: (f"failed: {', '.join(failing)}", "fix it"),
    )


def _snapshot() -> dict:
    return {p: p.stat().st_mtime_ns for p in GX_DIR.rglob("*")}


def test_the_project_holds_one_suite_validation_definition_and_checkpoint():
    names = {
        folder: sorted(p.name for p in (GX_DIR / folder).iterdir())
        for folder in ("expectations", "validation_definitions", "checkpoints")
    }
    assert names == {folder: ["gate.json"] for folder in names}
    suite = json.loads((GX_DIR / "expectations" / "gate.json").read_text())
    assert {e["meta"]["check"] for e in suite["expectations"]} == GX_CHECKS
    parameters = {
        v["$PARAMETER"]
        for e in suite["expectations"]
        for v in e["kwargs"].values()
        if isinstance(v, dict) and "$PARAMETER" in v
    }
    assert parameters == {"quarantine_max_share", "max_row_change", "freshness_max_hours"}
    assert parameters <= set(load_thresholds().as_dict())


def test_observations_are_judged_with_the_thresholds_inclusive_and_nothing_is_written():
    before = _snapshot()
    checks, validation = gx_gate.validate(
        [
            _observation("quarantine_share", ("orders", 0.02), ("accounts", 0.01)),
            _observation("freshness", ("orders", 48.0)),
        ],
        {"quarantine_max_share": 0.01, "max_row_change": 0.25, "freshness_max_hours": 48},
    )
    quarantine, freshness = checks
    assert (quarantine.passed, quarantine.message, quarantine.action) == (False, "failed: orders", "fix it")
    assert freshness.passed and freshness.message == "fine"
    assert freshness.details["expectations"][0]["kwargs"] == {"max_value": 48}
    assert validation[0]["suite_name"] == "gate" and validation[0]["success"] is False
    assert _snapshot() == before


def _broken_project(tmp_path, breaks: dict):
    shutil.copytree(GX_DIR, tmp_path / "gx")
    suite_file = tmp_path / "gx" / "expectations" / "gate.json"
    suite = json.loads(suite_file.read_text())
    suite["expectations"][0].update(breaks)  # the expectation of source_files_readable
    suite_file.write_text(json.dumps(suite))
    return tmp_path


def test_a_check_whose_expectation_gx_cannot_build_fails_closed(tmp_path):
    root = _broken_project(tmp_path, {"type": "expect_column_values_to_be_tasty"})  # GX logs and drops it
    [check] = gx_gate.validate([_observation("source_files_readable")], load_thresholds().as_dict(), root)[0]
    assert not check.passed
    assert check.message == "could not be evaluated by Great Expectations: no expectation"


def test_a_missing_parameter_is_an_error_not_a_pass(tmp_path):
    root = _broken_project(tmp_path, {"kwargs": {"column": "observed", "max_value": {"$PARAMETER": "no_such_var"}}})
    with pytest.raises(GreatExpectationsError, match="no_such_var"):  # run_gate fails every GX check with it
        gx_gate.validate([_observation("source_files_readable")], load_thresholds().as_dict(), root)
