-- One row per CRM contact. Holds personal data (full_name, email, phone) that never leaves the warehouse.
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns, plus `_load_seq` (raw lineage: greater = loaded later)
-- so its data tests can pick the rows of the night (macro night_rows_condition).
select
    contact_id,
    account_id,
    full_name,
    email,
    phone,
    job_title,
    is_decision_maker,
    updated_at,
    _load_seq
from {{ raw_as_of('crm', 'contacts', ['contact_id']) }} as raw_rows
