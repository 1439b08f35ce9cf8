"""Publication of a run: reporting tables, pipeline_runs, what BI reads, alerts."""

from kam.publish.publisher import PublishResult, publish_run, reconcile_publishing, record_blocked

__all__ = ["PublishResult", "publish_run", "reconcile_publishing", "record_blocked"]
