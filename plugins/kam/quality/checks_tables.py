"""Blocking check `table_expectations`: the published candidates as a whole.

Every table publication copies (exposure `bi_reporting`) exists in the candidates schema, and
its row count is what it must be (`gx/expectations/gate.json`: customers and account managers
never empty, ten ABC-XYZ cells).
Their columns, types and row-level rules are dbt's (model contracts and tests).
"""

from __future__ import annotations

from kam.publish.exposures import reporting_tables
from kam.quality.gx_gate import Observation
from kam.quality.result import CheckResult


def observe_tables(wh, schema: str) -> Observation:
    rows = {
        table: wh.fetchone(f"select count(*) from {schema}.{table}")[0] if wh.table_exists(schema, table) else None
        for table in reporting_tables()
    }
    message = f"the {len(rows)} published tables are there with plausible row counts"
    check = CheckResult("table_expectations", True, True, 0, 0, message, {"schema": schema, "rows": rows})

    def failed(subjects: list[str]) -> tuple[str, str]:
        check.observed = len(subjects)
        problems = [
            f"table {schema}.{t} does not exist" if rows[t] is None else f"{schema}.{t} has {rows[t]} rows"
            for t in subjects
        ]
        return "; ".join(problems), "fix the dbt model that builds the table (see the dbt task log), rerun the date"

    return Observation(check, list(rows.items()), failed)
