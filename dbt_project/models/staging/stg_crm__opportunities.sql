-- One row per CRM opportunity (tender or deal), at its current stage.
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns only (no lineage).
select
    opportunity_id,
    account_id,
    created_at,
    closed_at,
    stage,
    amount,
    lost_reason,
    competitor,
    updated_at
from {{ raw_as_of('crm', 'opportunities', ['opportunity_id']) }} as raw_rows
