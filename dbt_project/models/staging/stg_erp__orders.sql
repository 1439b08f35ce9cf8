-- One row per order of the order system (ERP), the latest valid version.
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns, plus `_load_seq` (raw lineage: greater = loaded later)
-- so incremental models can pick the rows loaded since their last build.
select
    order_id,
    customer_id,
    order_date,
    promised_date,
    delivered_date,
    status,
    currency,
    updated_at,
    _load_seq
from {{ raw_as_of('erp', 'orders', ['order_id']) }} as raw_rows
