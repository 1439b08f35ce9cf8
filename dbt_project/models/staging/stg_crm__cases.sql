-- One row per CRM case (complaint or service incident).
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns, plus `_load_seq` (raw lineage: greater = loaded later)
-- so its data tests can pick the rows of the night (macro night_rows_condition).
select
    case_id,
    account_id,
    order_id,
    opened_at,
    closed_at,
    category,
    severity,
    updated_at,
    _load_seq
from {{ raw_as_of('crm', 'cases', ['case_id']) }} as raw_rows
