-- One row per order of the order system (ERP), the latest valid version.
-- Typed, trimmed and deduplicated by extraction; contract columns only (no lineage).
select
    order_id,
    customer_id,
    order_date,
    promised_date,
    delivered_date,
    status,
    currency,
    updated_at
from {{ source('raw', 'orders') }}
