"""The data-quality gate: dbt's gate tests and the `gx/` checkpoint on a run's candidates in
`marts` (a backfill: `marts_backfill`), judged per as-of date, and a readable report per run.

    from kam.quality import run_gate, write_report
    result = run_gate(wh, run_id=..., as_of=D, dbt_outcome=outcome, gate_vars=plan.vars,
                      candidates_schema=plan.candidates_schema)
    write_report(result, settings.report_dir)
    if not result.passed: raise RuntimeError(result.summary())
"""

from kam.quality.gate import run_gate
from kam.quality.report import write_report
from kam.quality.result import CheckResult, GateResult

__all__ = ["CheckResult", "GateResult", "run_gate", "write_report"]
