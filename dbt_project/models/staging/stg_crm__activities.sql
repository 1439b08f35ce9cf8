-- One row per CRM activity (call, meeting, e-mail, visit).
-- Typed, trimmed and deduplicated by extraction; contract columns only (no lineage).
select
    activity_id,
    account_id,
    activity_type,
    occurred_at,
    owner,
    updated_at
from {{ source('raw', 'activities') }}
