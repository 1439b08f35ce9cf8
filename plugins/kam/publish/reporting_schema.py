"""Names and DDL both publication stores share: schemas `reporting`/`marts`, `pipeline_runs`.

The DDL is portable (DuckDB and PostgreSQL): `varchar`, `date`, `timestamp`
(naive UTC), JSON kept as text.
"""
from __future__ import annotations

REPORTING = "reporting"
CANDIDATES = "marts"

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


def missing_candidates_message(missing: list[str]) -> str:
    return (f"publish: candidate tables missing in schema {CANDIDATES}: {', '.join(missing)} "
            "(declared by exposure bi_reporting in dbt_project/models/exposures.yml)")
