-- One row per CRM activity (call, meeting, e-mail, visit).
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns only (no lineage).
select
    activity_id,
    account_id,
    activity_type,
    occurred_at,
    owner,
    updated_at
from {{ raw_as_of('crm', 'activities', ['activity_id']) }} as raw_rows
