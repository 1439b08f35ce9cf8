"""The gate's checks that dbt ran: one per gate test, one `dbt_tests` for all the rest.

A gate test (`dbt_project/tests/gate/`) names its check in `meta.gate_check`, with `blocking`,
`threshold`, `rule` and `action`. Its failing rows, kept by dbt's `store_failures`, carry
`observed` and `threshold` columns: the check reads them, with a sample of the rows. A
test whose rows carry a `message` column (the warnings) words its own failure; the others
fail with "not met: <rule>".
`outcome` is `kam.dbt_results.build_outcome` of the run's build.
"""

from __future__ import annotations

from typing import Any

from kam.quality.result import CheckResult, jsonable

SAMPLE_ROWS = 10
RAN = frozenset({"pass", "warn", "fail"})  # the test ran, so its stored rows are this run's
DBT_TESTS_ACTION = (
    "read the dbt test results (run_results.json / the dbt task log) for these tests, "
    "fix the model or the source data, rerun the date"
)


def dbt_checks(outcome: dict[str, Any] | None, wh: Any, sample_rows: int = SAMPLE_ROWS) -> list[CheckResult]:
    """`dbt_tests`, then the blocking gate tests, then the warnings (each group by name).

    `outcome`: `{"failed": [...], "nodes": [...]}` as `build_outcome` returns it (`failed`
    alone for a build that did not run); None fails `dbt_tests`. `wh`: the warehouse
    (`table_exists`, `frame`) holding the stored failing rows.
    """
    nodes = (outcome or {}).get("nodes") or []
    gate_nodes = sorted(
        (n for n in nodes if n["meta"].get("gate_check")),
        key=lambda n: (not n["meta"].get("blocking", True), n["meta"]["gate_check"]),
    )
    gate = [_gate_check(node, wh, sample_rows) for node in gate_nodes]
    return [_dbt_tests(outcome, {n["name"] for n in gate_nodes}, gate), *gate]


def _gate_check(node: dict, wh: Any, sample_rows: int) -> CheckResult:
    meta, status = node["meta"], node["status"]
    check = CheckResult(
        name=meta["gate_check"],
        blocking=bool(meta.get("blocking", True)),
        passed=status == "pass",
        observed=node["failures"] or 0,
        threshold=meta.get("threshold"),
        message=meta.get("rule", ""),
        details={"dbt_test": node["unique_id"], "status": status, "failing_rows": node["relation"]},
        action="" if status == "pass" else meta.get("action", ""),
    )
    if status not in RAN:
        check.observed = None
        check.message = f"could not be evaluated: dbt test {node['name']} {status}: {node['message'] or ''}".strip()
        return check
    rows = _sample(wh, node["relation"], sample_rows)
    worded = [row.pop("message", None) for row in rows]  # every row says the same sentence
    if rows:
        check.observed = rows[0].get("observed", check.observed)
        check.threshold = rows[0].get("threshold", check.threshold)
        check.details["sample"] = rows
    if not check.passed:
        fallback = f"not met: {check.message}" + (f" (failing rows: {node['relation']})" if rows else "")
        check.message = worded[0] if worded and worded[0] else fallback
    return check


def _sample(wh: Any, relation: str | None, limit: int) -> list[dict]:
    """Up to `limit` stored rows, ordered by their columns left to right."""
    if not relation or not wh.table_exists(*relation.split(".", 1)):
        return []
    columns = len(wh.columns(*relation.split(".", 1)))
    order = ", ".join(str(i) for i in range(1, columns + 1))
    frame = wh.frame(f"select * from {relation} order by {order} limit {int(limit)}")
    return jsonable(frame.to_dict(orient="records"))


def _dbt_tests(outcome: dict | None, gate_names: set[str], gate: list[CheckResult]) -> CheckResult:
    """Every other dbt node: the failed ones, then the models dbt skipped."""
    if outcome is None:
        message = "dbt reported no results: the build did not run"
        return CheckResult("dbt_tests", True, False, None, 0, message, {"failures": []}, DBT_TESTS_ACTION)
    failures = [name for name in outcome.get("failed") or [] if name not in gate_names]
    details = {"failures": failures, "status_counts": outcome.get("status_counts", {})}
    if not failures:
        return CheckResult("dbt_tests", True, True, 0, 0, "every dbt test passed", details)
    shown = ", ".join(failures[:10]) + (f" and {len(failures) - 10} more" if len(failures) > 10 else "")
    message = f"{len(failures)} dbt tests failed: {shown}"
    check = CheckResult("dbt_tests", True, False, len(failures), 0, message, details, DBT_TESTS_ACTION)
    failed_gate = [c.name for c in gate if c.blocking and not c.passed]
    if failed_gate and all(name.endswith(" (skipped)") for name in failures):
        check.consequence_of = failed_gate[0]  # the models after a failed gate test were not built
    return check
