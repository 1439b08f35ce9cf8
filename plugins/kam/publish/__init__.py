"""Publication of a run: reporting tables, pipeline_runs, the reporting DB snapshot, alerts."""
from kam.publish.publisher import PublishResult, publish_run, record_blocked

__all__ = ["PublishResult", "publish_run", "record_blocked"]
