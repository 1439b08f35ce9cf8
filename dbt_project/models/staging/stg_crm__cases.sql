-- One row per CRM case (complaint or service incident).
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns only (no lineage).
select
    case_id,
    account_id,
    order_id,
    opened_at,
    closed_at,
    category,
    severity,
    updated_at
from {{ raw_as_of('crm', 'cases', ['case_id']) }} as raw_rows
