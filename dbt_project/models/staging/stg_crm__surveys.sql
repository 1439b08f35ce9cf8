-- One row per CRM satisfaction survey answer.
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns, plus `_load_seq` (raw lineage: greater = loaded later)
-- so its data tests can pick the rows of the night (macro night_rows_condition).
select
    survey_id,
    account_id,
    responded_at,
    score,
    updated_at,
    _load_seq
from {{ raw_as_of('crm', 'surveys', ['survey_id']) }} as raw_rows
