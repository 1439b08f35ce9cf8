-- One row per CRM activity (call, meeting, e-mail, visit).
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns, plus `_load_seq` (raw lineage: greater = loaded later)
-- so its data tests can pick the rows of the night (macro night_rows_condition).
select
    activity_id,
    account_id,
    activity_type,
    occurred_at,
    owner,
    updated_at,
    _load_seq
from {{ raw_as_of('crm', 'activities', ['activity_id']) }} as raw_rows
