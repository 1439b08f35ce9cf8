"""The data-quality gate: blocking checks and warnings on the candidates in `marts` (a backfill:
`marts_backfill`), judged per as-of date,
Great Expectations suites per published table, and a readable report per run.

    from kam.quality import run_gate, write_report
    result = run_gate(con, run_id=..., as_of=D, dbt_failures=[...], settings=settings,
                      gate_vars=plan.vars, candidates_schema=plan.candidates_schema)
    write_report(result, settings.report_dir)
    if not result.passed: raise RuntimeError(result.summary())
"""
from kam.quality.gate import run_gate
from kam.quality.report import write_report
from kam.quality.result import CheckResult, GateResult, TableValidation

__all__ = ["run_gate", "write_report", "CheckResult", "GateResult", "TableValidation"]
