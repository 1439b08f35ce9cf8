"""Runs the gate's Great Expectations checkpoint (`gx/`) on what the checks observed.

The observations of every check form one DataFrame (check, subject, observed); the
checkpoint `gate` validates it against the suite `gate`, with the run's thresholds as
expectation parameters. The project is read, never written: the validation result is
returned and kept with the run's report.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kam.config import REPO_ROOT
from kam.quality.result import CheckResult, jsonable

PROJECT_ROOT = REPO_ROOT  # holds gx/


@dataclass
class Observation:
    """What a check measured: `rows` of (subject, observed) for the suite to judge; `result`, the check
    as reported when they all pass; `failed`, the subjects that did not pass -> (message, action)."""

    result: CheckResult
    rows: list[tuple[str, float | None]]
    failed: Callable[[list[str]], tuple[str, str]]


def validate(
    observations: list[Observation], parameters: dict, project_root: Path = PROJECT_ROOT
) -> tuple[list[CheckResult], list]:
    """Each observation's check, failed when an expectation of its name did not pass; and GX's result."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    frame = pd.DataFrame(
        [(o.result.name, subject, value) for o in observations for subject, value in o.rows],
        columns=["check", "subject", "observed"],
    ).astype({"observed": "float64"})
    context = gx.get_context(mode="file", project_root_dir=str(project_root))
    run = context.checkpoints.get("gate").run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters)
    results = [r for validation in run.run_results.values() for r in validation.results]
    checks = [
        _judge(o, [r for r in results if r.expectation_config.meta.get("check") == o.result.name]) for o in observations
    ]
    return checks, jsonable([v.to_json_dict() for v in run.run_results.values()])


def _judge(observation: Observation, results: list) -> CheckResult:
    check = observation.result
    check.details["expectations"] = [_outcome(r) for r in results]
    errors = [e["error"] for e in check.details["expectations"] if e["error"]]
    if not results or errors:
        check.passed = False
        check.message = f"could not be evaluated by Great Expectations: {'; '.join(errors) or 'no expectation'}"
        check.action = "fix gx/expectations/gate.json (see the gate report), rerun the date"
        return check
    failing = [s for e in check.details["expectations"] for s in e["failing"]]
    if any(not r.success for r in results):
        check.passed = False
        check.message, check.action = observation.failed(list(dict.fromkeys(failing)))
    return check


def _outcome(result) -> dict:
    config, details = result.expectation_config, result.result or {}
    info = result.exception_info or {}
    error = info.get("exception_message") if info.get("raised_exception") else None
    return jsonable(
        {
            "type": config.type,
            "notes": config.meta.get("notes"),
            "success": bool(result.success),
            "kwargs": {k: v for k, v in config.kwargs.items() if k in ("min_value", "max_value")},
            "failing": [row["subject"] for row in details.get("unexpected_index_list") or []],
            "error": error,
        }
    )
