"""`run_gate`: every check of the data-quality gate (outputs.md v1.1) on a run's candidates.

Blocking checks, in order: source_files_readable (first: a file extraction could not read
means its object was not loaded), extraction_completed (an extraction task failed: a source is
down), dbt_tests, one_row_per_customer, abc_revenue_iff_revenue,
revenue_shares_sum_to_one, class_a_share, quarantine_share (judged per as-of date D),
row_count_change, freshness, table_expectations (the Great Expectations suites not tied to
one of the former). Warnings (never block): orders_unknown_customer, orders_without_rate,
order_lines_without_order, margin_coverage_low.

A check that cannot be evaluated (a table missing, a query failing) fails, with the
error as its message: a blocking check fails closed. When source files could not be read or an
extraction task failed,
every other failed check is marked as a possible consequence of that.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone

from kam.quality import (checks_freshness, checks_history, checks_quarantine, checks_segments,
                         checks_source_errors, checks_warnings)
from kam.quality.access import access_for
from kam.quality.expectations import describe, validate_tables
from kam.quality.raw_as_of import RawAsOf
from kam.quality.result import SOURCE_CHECK, CheckResult, GateResult, TableValidation
from kam.quality.thresholds import load_thresholds

CANDIDATE_SCHEMAS = ("marts", "marts_backfill")


def check_extraction_completed(failed_tasks: list[str]) -> CheckResult:
    """Every extraction task of the run came through (a source that is down fails its task;
    an unreadable file does not, it is `source_files_readable`)."""
    failed = list(failed_tasks or [])
    if failed:
        return CheckResult("extraction_completed", True, False, len(failed), 0,
                           f"extraction did not complete: {', '.join(failed)}", {"failed_tasks": failed},
                           "a source is down or unreachable: the task's log names the source and the error; "
                           "fix the source (folder, database URL, credentials), rerun the date")
    return CheckResult("extraction_completed", True, True, 0, 0, "every extraction task completed",
                       {"failed_tasks": []})


def check_dbt_tests(dbt_failures: list[str]) -> CheckResult:
    failures = list(dbt_failures or [])
    if failures:
        shown = ", ".join(failures[:10]) + (f" and {len(failures) - 10} more" if len(failures) > 10 else "")
        return CheckResult("dbt_tests", True, False, len(failures), 0,
                           f"{len(failures)} dbt tests failed: {shown}", {"failures": failures},
                           "read the dbt test results (run_results.json / the dbt task log) for these tests, "
                           "fix the model or the source data, rerun the date")
    return CheckResult("dbt_tests", True, True, 0, 0, "every dbt test passed", {"failures": []})


def _guarded(name: str, blocking: bool, run: Callable[[], CheckResult]) -> CheckResult:
    try:
        return run()
    except Exception as exc:  # a check that cannot run must not pass silently
        return CheckResult(name, blocking, False, None, None,
                           f"could not be evaluated: {type(exc).__name__}: {exc}",
                           {"error": f"{type(exc).__name__}: {exc}"},
                           "make sure dbt built the marts and extraction wrote raw/meta/quarantine, then rerun")


def _fold_expectations(check: CheckResult, tables: list[TableValidation]) -> CheckResult:
    """Add the GX expectations tagged with this check's name; any failure fails the check."""
    tagged = [(t.table, e) for t in tables for e in t.expectations if e.get("check") == check.name]
    if not tagged:
        return check
    check.details["expectations"] = [{"table": table, **e} for table, e in tagged]
    failed = [f"{table}: {describe(e)}" for table, e in tagged if not e["success"]]
    if failed and check.passed:
        check.passed = False
        check.message = f"Great Expectations: {'; '.join(failed)}"
        check.action = check.action or "see the expectation results in the gate report, fix the model, rerun the date"
    elif failed:
        check.details["expectations_failed"] = failed
    return check


def _table_expectations(tables: list[TableValidation]) -> CheckResult:
    """The untagged expectations of every suite, and tables that could not be validated."""
    problems, per_table = [], {}
    for t in tables:
        failed = [e for e in t.failed if not e.get("check")]
        per_table[t.table] = {"rows": t.row_count, "error": t.error,
                              "evaluated": len(t.expectations), "failed": [describe(e) for e in failed]}
        if t.error:
            problems.append(f"{t.table}: {t.error}")
        problems += [f"{t.table}: {describe(e)}" for e in failed]
    evaluated = sum(1 for t in tables for e in t.expectations if not e.get("check"))
    details = {"tables": per_table}
    if problems:
        return CheckResult("table_expectations", True, False, len(problems), 0,
                           f"{len(problems)} expectations failed: {'; '.join(problems[:5])}"
                           + (" ..." if len(problems) > 5 else ""), details,
                           "see the expectation results per table in the gate report, fix the dbt model "
                           "that builds the table, rerun the date")
    return CheckResult("table_expectations", True, True, 0, 0,
                       f"{evaluated} expectations on {len(tables)} tables passed (the suites' mirrors of "
                       f"the checks above count toward those checks)", details)


def run_gate(con, *, run_id: str, as_of: date, dbt_failures: list[str], settings=None,
             gate_vars: dict | None = None, candidates_schema: str = "marts",
             run_started_at: datetime | None = None, failed_extractions: list[str] | None = None) -> GateResult:
    """Run every check on the candidates in `candidates_schema` of the warehouse connection `con`.

    `dbt_failures`: names of the dbt tests (or models) that failed in this run's build.
    `settings` is accepted for the callers' symmetry (the report is written by
    `write_report(result, settings.report_dir)`). `gate_vars`: the run's vars, overriding
    every threshold (the dbt vars and `margin_coverage_min`). `candidates_schema`: `marts`,
    or `marts_backfill` for a backfill (then the raw rows are read as of D from
    `raw_history`). `run_started_at`: the run's start (freshness ignores `updated_at` later
    than it + 1 day); default the run's earliest `meta.extract_runs.started_at`, else now.
    `failed_extractions`: the extraction tasks of the run that did not succeed (with their state).
    """
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of)
    if candidates_schema not in CANDIDATE_SCHEMAS:
        raise ValueError(f"candidates_schema must be one of {', '.join(CANDIDATE_SCHEMAS)}, got {candidates_schema!r}")
    thresholds = load_thresholds(gate_vars)
    access = access_for(con)
    schema = candidates_schema
    raw = RawAsOf(access, as_of, backfill=schema != "marts")

    try:
        tables = validate_tables(access, schema=schema)
    except Exception as exc:
        tables = [TableValidation("(all tables)", False, None, [], f"validation failed: {type(exc).__name__}: {exc}")]

    def started() -> datetime:
        return run_started_at or checks_freshness.run_started_at(access, run_id)

    blocking: list[tuple[str, Callable[[], CheckResult]]] = [
        (SOURCE_CHECK, lambda: checks_source_errors.check_source_files_readable(access, as_of, thresholds)),
        ("extraction_completed", lambda: check_extraction_completed(failed_extractions)),
        ("dbt_tests", lambda: check_dbt_tests(dbt_failures)),
        ("one_row_per_customer",
         lambda: checks_segments.check_one_row_per_customer(access, as_of, thresholds, schema, raw)),
        ("abc_revenue_iff_revenue",
         lambda: checks_segments.check_abc_revenue_iff_revenue(access, as_of, thresholds, schema)),
        ("revenue_shares_sum_to_one",
         lambda: checks_segments.check_revenue_shares_sum_to_one(access, as_of, thresholds, schema)),
        ("class_a_share", lambda: checks_segments.check_class_a_share(access, as_of, thresholds, schema)),
        ("quarantine_share", lambda: checks_quarantine.check_quarantine_share(access, as_of, thresholds)),
        ("row_count_change", lambda: checks_history.check_row_count_change(access, as_of, thresholds, schema)),
        ("freshness", lambda: checks_freshness.check_freshness(access, as_of, thresholds, raw, started())),
    ]
    warnings: list[tuple[str, Callable[[], CheckResult]]] = [
        ("orders_unknown_customer",
         lambda: checks_warnings.check_orders_unknown_customer(access, as_of, thresholds, raw)),
        ("orders_without_rate", lambda: checks_warnings.check_orders_without_rate(access, as_of, thresholds, raw)),
        ("order_lines_without_order",
         lambda: checks_warnings.check_order_lines_without_order(access, as_of, thresholds, raw)),
        ("margin_coverage_low",
         lambda: checks_warnings.check_margin_coverage_low(access, as_of, thresholds, schema)),
    ]
    checks = [_fold_expectations(_guarded(name, True, run), tables) for name, run in blocking]
    checks.append(_table_expectations(tables))
    checks += [_guarded(name, False, run) for name, run in warnings]
    _mark_consequences(checks)
    return GateResult(run_id=run_id, as_of=as_of, checks=checks, tables=tables,
                      thresholds=thresholds.as_dict(),
                      created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _mark_consequences(checks: list[CheckResult]) -> None:
    """With a failed extraction or unreadable source files, every other failed check may follow from them."""
    causes = [c for c in checks if not c.passed and (c.name == "extraction_completed"
                                                     or (c.name == SOURCE_CHECK and c.details.get("errors")))]
    if not causes:
        return
    for check in checks:
        if check not in causes and not check.passed:
            check.consequence_of = causes[0].name
