-- One row per CRM opportunity (tender or deal), at its current stage.
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns, plus `_load_seq` (raw lineage: greater = loaded later)
-- so its data tests can pick the rows of the night (macro night_rows_condition).
select
    opportunity_id,
    account_id,
    created_at,
    closed_at,
    stage,
    amount,
    lost_reason,
    competitor,
    updated_at,
    _load_seq
from {{ raw_as_of('crm', 'opportunities', ['opportunity_id']) }} as raw_rows
