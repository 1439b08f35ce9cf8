-- One row per CRM account (customer), soft-deleted accounts included (is_deleted true).
-- Typed, trimmed and deduplicated by extraction; contract columns only (no lineage).
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
    coalesce(is_deleted, false) as is_deleted
from {{ source('raw', 'accounts') }}
