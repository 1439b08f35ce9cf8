"""Publication of a run: reporting tables, pipeline_runs, the reporting DB snapshot, alerts."""
from kam.publish.publisher import PublishResult, publish_run, record_blocked
from kam.publish.reconcile import reconcile_publishing

__all__ = ["PublishResult", "publish_run", "reconcile_publishing", "record_blocked"]
