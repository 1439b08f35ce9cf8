"""`run_gate`: every check of the data-quality gate (outputs.md) on a run's candidates.

Blocking, in `ORDER`: source_files_readable, extraction_completed, then dbt's (`dbt_checks`:
dbt_tests and the gate's dbt tests), then what only the gate can judge, by the `gx/`
checkpoint; the warnings are dbt tests of severity warn. A check that cannot be evaluated
fails. After an unreadable file or a failed extraction, every other failed check is marked
as a possible consequence of it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from kam.quality import gx_gate
from kam.quality.checks_freshness import observe_freshness
from kam.quality.checks_freshness import run_started_at as started_by_meta
from kam.quality.checks_history import observe_row_count_change
from kam.quality.checks_quarantine import observe_quarantine_share
from kam.quality.checks_source_errors import observe_source_files
from kam.quality.checks_tables import observe_tables
from kam.quality.dbt_checks import dbt_checks
from kam.quality.gx_gate import Observation
from kam.quality.result import SOURCE_CHECK, CheckResult, GateResult, not_evaluated
from kam.quality.thresholds import load_thresholds
from kam.warehouse import warehouse_of

CANDIDATE_SCHEMAS = ("marts", "marts_backfill")
ORDER = f"""{SOURCE_CHECK} extraction_completed dbt_tests one_row_per_customer abc_revenue_iff_revenue
    revenue_shares_sum_to_one class_a_share quarantine_share row_count_change freshness table_expectations
    orders_unknown_customer orders_without_rate order_lines_without_order margin_coverage_low""".split()
EXTRACTION_ACTION = (
    "a source is down or unreachable: the task's log names the source and the error; "
    "fix the source (folder, database URL, credentials), rerun the date"
)


def check_extraction_completed(failed_tasks: list[str]) -> CheckResult:
    """Every extraction task of the run came through (an unreadable file does not fail its task)."""
    if failed_tasks:
        message, details = f"extraction did not complete: {', '.join(failed_tasks)}", {"failed_tasks": failed_tasks}
        return CheckResult(
            "extraction_completed", True, False, len(failed_tasks), 0, message, details, EXTRACTION_ACTION
        )
    return CheckResult(
        "extraction_completed", True, True, 0, 0, "every extraction task completed", {"failed_tasks": []}
    )


def _cannot(name: str, exc: Exception) -> CheckResult:
    error = f"{type(exc).__name__}: {exc}"
    action = "make sure dbt built the marts and extraction wrote raw/meta/quarantine, then rerun"
    return not_evaluated(name, f"could not be evaluated: {error}", action, details={"error": error})


def _guarded(name: str, run):
    try:
        return run()
    except Exception as exc:  # a check that cannot run must not pass silently
        return _cannot(name, exc)


def _dbt(dbt_outcome: dict | None, dbt_failures: list[str], wh) -> list[CheckResult]:
    """dbt_tests and the gate's dbt tests, plus the build task's own failures; with neither, it fails closed."""
    outcome = dbt_outcome if dbt_outcome is not None else ({"failed": []} if dbt_failures else None)
    if outcome is not None and dbt_failures:
        failed = outcome.get("failed") or []
        outcome = {**outcome, "failed": failed + [f for f in dbt_failures if f not in failed]}
    try:
        return dbt_checks(outcome, wh)
    except Exception as exc:  # unreadable results or stored failures: dbt_tests fails closed
        return [_cannot("dbt_tests", exc)]


def _judged(observed: list, thresholds: dict) -> tuple[list[CheckResult], list]:
    """The checks, the observations among them judged by the GX checkpoint; and GX's results."""
    observations = [o for o in observed if isinstance(o, Observation)]
    try:
        judged, validation = gx_gate.validate(observations, thresholds)
    except Exception as exc:
        judged, validation = [_cannot(o.result.name, exc) for o in observations], []
    by_name = {c.name: c for c in judged}
    return [by_name[o.result.name] if isinstance(o, Observation) else o for o in observed], validation


def run_gate(
    wh,
    *,
    run_id: str,
    as_of: date | str,
    dbt_outcome: dict | None = None,
    dbt_failures: list[str] | None = None,
    gate_vars: dict | None = None,
    candidates_schema: str = "marts",
    run_started_at: datetime | None = None,
    failed_extractions: list[str] | None = None,
) -> GateResult:
    """Run every check on the candidates in `candidates_schema` (`marts`, or `marts_backfill`).

    `dbt_outcome`: the build's outcome (`kam.dbt_results.read_build_outcome`); `dbt_failures`:
    the build task's own failure (with neither, dbt_tests fails). `gate_vars`: the run's vars,
    overriding every threshold. `run_started_at` (freshness ignores `updated_at` later than it
    + 1 day): default the run's earliest `meta.extract_runs.started_at`, else now.
    """
    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    if candidates_schema not in CANDIDATE_SCHEMAS:
        raise ValueError(f"candidates_schema must be one of {', '.join(CANDIDATE_SCHEMAS)}, got {candidates_schema!r}")
    t, wh, schema = load_thresholds(gate_vars), warehouse_of(wh), candidates_schema
    staging = schema.replace("marts", "staging")  # dbt's staging models of the same build
    observed = [
        _guarded(SOURCE_CHECK, lambda: observe_source_files(wh, as_of)),
        check_extraction_completed(list(failed_extractions or [])),
        *_dbt(dbt_outcome, list(dbt_failures or []), wh),
        _guarded("quarantine_share", lambda: observe_quarantine_share(wh, as_of, t)),
        _guarded("row_count_change", lambda: observe_row_count_change(wh, as_of, t, schema)),
        _guarded(
            "freshness", lambda: observe_freshness(wh, as_of, t, staging, run_started_at or started_by_meta(wh, run_id))
        ),
        _guarded("table_expectations", lambda: observe_tables(wh, schema)),
    ]
    checks, validation = _judged(observed, t.as_dict())
    checks.sort(key=lambda c: (not c.blocking, ORDER.index(c.name) if c.name in ORDER else len(ORDER)))
    _mark_consequences(checks)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    return GateResult(run_id, as_of, checks, validation, t.as_dict(), created)


def _mark_consequences(checks: list[CheckResult]) -> None:
    """With a failed extraction or unreadable source files, every other failed check may follow from them."""
    causes = [
        c.name
        for c in checks
        if not c.passed and (c.name == "extraction_completed" or (c.name == SOURCE_CHECK and c.details.get("errors")))
    ]
    for check in checks:
        if causes and check.name not in causes and not check.passed:
            check.consequence_of = causes[0]
