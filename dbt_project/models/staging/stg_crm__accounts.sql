-- One row per CRM account (customer), soft-deleted accounts included (is_deleted true).
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns, plus `_load_seq` (raw lineage: greater = loaded later)
-- so its data tests can pick the rows of the night (macro night_rows_condition).
select
    account_id,
    name,
    industry,
    region,
    country,
    employees,
    annual_budget,
    account_manager,
    kam_designated,
    is_image_maker,
    is_expert,
    created_at,
    updated_at,
    coalesce(is_deleted, false) as is_deleted,
    _load_seq
from {{ raw_as_of('crm', 'accounts', ['account_id']) }} as raw_rows
