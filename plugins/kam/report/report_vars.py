"""The dbt vars the run report draws against: the A/B cut lines and the key-account limit per manager.

Read as the run's dbt build read them: the defaults of `dbt_project/dbt_project.yml` (vars section,
`kam.run_plan.project_vars`) with the run's own overrides (the plan's `vars`) on top.
"""

from __future__ import annotations

from dataclasses import dataclass

from kam.run_plan import project_vars


@dataclass(frozen=True)
class ReportVars:
    abc_a_share: float  # class A: the customers before the cumulative revenue share reaches it
    abc_b_share: float  # class B: then up to this share
    kam_max_key_accounts: int  # a manager with more key accounts than this is overloaded


def load_report_vars(run_vars: dict | None = None) -> ReportVars:
    """The vars of the run: dbt_project.yml's defaults, `run_vars` (the run's overrides) applied on top."""
    values = {**project_vars(), **(run_vars or {})}
    return ReportVars(
        abc_a_share=float(values["abc_a_share"]),
        abc_b_share=float(values["abc_b_share"]),
        kam_max_key_accounts=int(values["kam_max_key_accounts"]),
    )
