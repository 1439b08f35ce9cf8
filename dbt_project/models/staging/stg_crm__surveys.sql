-- One row per CRM satisfaction survey answer.
-- Typed, trimmed and deduplicated by extraction; contract columns only (no lineage).
select
    survey_id,
    account_id,
    responded_at,
    score,
    updated_at
from {{ source('raw', 'surveys') }}
