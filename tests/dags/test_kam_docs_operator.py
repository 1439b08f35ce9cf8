"""The `docs` task (KamDocsOperator): a night whose docs site is not built (a backfill, or a failure, logged
as a warning by the stage) skips the task, never fails it."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from airflow.sdk.exceptions import AirflowSkipException

from kam.run_plan import RunPlan
from operators import KamDocsOperator


class PlanOnlyTI:
    """A task instance double whose only XCom is the run plan."""

    def __init__(self, plan: RunPlan):
        self.plan = plan

    def xcom_pull(self, task_ids, key="return_value"):
        return self.plan.to_dict() if (task_ids, key) == ("plan", "return_value") else None


@pytest.fixture
def home(monkeypatch, tmp_path):
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    for name in ("KAM_WAREHOUSE", "KAM_WAREHOUSE_CONN_ID", "KAM_REPORTING_DB", "KAM_LANDING_DB"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _execute(plan: RunPlan):
    return KamDocsOperator(task_id="docs").execute({"run_id": "manual__1", "params": {}, "ti": PlanOnlyTI(plan)})


def test_a_backfill_skips_the_docs_task(home):
    backfill = RunPlan(as_of=date(2026, 10, 1), mode="backfill", latest_extracted_as_of=date(2026, 10, 15))
    with pytest.raises(AirflowSkipException, match=r"no dbt docs site built for 2026-10-01"):
        _execute(backfill)
    assert list(home.iterdir()) == []


def test_a_failed_docs_build_is_a_warning_skips_the_task_and_keeps_the_last_site(home, caplog):
    (home / "docs").mkdir()
    (home / "docs" / "index.html").write_text("<html>the last site</html>")
    (home / "dbt_docs").write_text("a file where dbt's folder should be")
    skipped = pytest.raises(AirflowSkipException, match=r"no dbt docs site built for 2026-10-15 \(see the log above\)")
    with caplog.at_level(logging.WARNING, logger="kam.pipeline.docs_site"), skipped:
        _execute(RunPlan(as_of=date(2026, 10, 15)))
    assert (home / "docs" / "index.html").read_text() == "<html>the last site</html>"
    assert [r.getMessage() for r in caplog.records if r.name == "kam.pipeline.docs_site"] == [
        "the dbt docs site was not rebuilt for 2026-10-15; the last one stays"
    ]


def test_the_docs_build_starts_from_the_cosmos_tasks_parse_cache():
    from kam.pipeline.docs_site import BUILD_TARGETS
    from operators.kam_dbt_interceptor import COSMOS_CACHE_SUBDIR

    assert dict(BUILD_TARGETS)[Path(COSMOS_CACHE_SUBDIR) / "target"] is True  # with --profile and --target
