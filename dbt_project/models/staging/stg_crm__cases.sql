-- One row per CRM case (complaint or service incident).
-- Typed, trimmed and deduplicated by extraction; contract columns only (no lineage).
select
    case_id,
    account_id,
    order_id,
    opened_at,
    closed_at,
    category,
    severity,
    updated_at
from {{ source('raw', 'cases') }}
