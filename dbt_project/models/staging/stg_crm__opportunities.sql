-- One row per CRM opportunity (tender or deal), at its current stage.
-- Typed, trimmed and deduplicated by extraction; contract columns only (no lineage).
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
from {{ source('raw', 'opportunities') }}
