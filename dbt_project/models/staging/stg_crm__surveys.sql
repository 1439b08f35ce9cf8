-- One row per CRM satisfaction survey answer.
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns only (no lineage).
select
    survey_id,
    account_id,
    responded_at,
    score,
    updated_at
from {{ raw_as_of('crm', 'surveys', ['survey_id']) }} as raw_rows
