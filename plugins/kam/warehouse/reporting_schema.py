"""Names every warehouse shares: schemas `reporting`/`marts`, `pipeline_runs` and its publication statuses.

The DDL is portable (DuckDB and PostgreSQL): `varchar`, `date`, `timestamp`
(naive UTC), JSON kept as text. Candidate schemas are `marts` (a nightly build)
or `marts_backfill` (a backfill build, docs/decisions/0009); any other name is
refused, since it is put into SQL.
"""

from __future__ import annotations

import re

REPORTING = "reporting"
#: the status of a run BI can see
PUBLISHED = "published"
#: DuckDB only: committed to the warehouse, not yet visible in the BI file (kam.warehouse.duckdb_reconcile)
PUBLISHING = "publishing"
CANDIDATES = "marts"
BACKFILL_CANDIDATES = "marts_backfill"
#: the one reporting table a backfill writes (only the rows of its as-of date)
HISTORY_TABLE = "customer_segments_history"

PIPELINE_RUNS_DDL = f"""
create table if not exists {REPORTING}.pipeline_runs (
    as_of_date date not null,
    run_id varchar not null,
    started_at timestamp not null,
    finished_at timestamp not null,
    status varchar not null,
    failed_checks varchar not null,
    warnings varchar not null,
    row_counts varchar not null,
    source_watermarks varchar not null
)"""

_CANDIDATE_SCHEMA = re.compile(rf"^{CANDIDATES}(_[a-z0-9]+)*$")


def candidate_schema(name: str | None) -> str:
    """The candidate schema to read (default `marts`), checked to be `marts` or `marts_<suffix>`."""
    name = name or CANDIDATES
    if not isinstance(name, str) or not _CANDIDATE_SCHEMA.match(name):
        raise ValueError(
            f"publish: candidates_schema {name!r} is not 'marts' or 'marts_<suffix>' (e.g. {BACKFILL_CANDIDATES!r})"
        )
    return name


def missing_candidates_message(missing: list[str], schema: str = CANDIDATES) -> str:
    return (
        f"publish: candidate tables missing in schema {schema}: {', '.join(missing)} "
        "(declared by exposure bi_reporting in dbt_project/models/exposures.yml)"
    )
