-- One row per order line (order_id, line_number), the latest valid version. Lines whose order is missing are kept here and dropped by int_orders.
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns, plus `_load_seq` (raw lineage: greater = loaded later)
-- so incremental models can pick the rows loaded since their last build.
select
    order_id,
    line_number,
    product_id,
    product_category,
    quantity,
    delivered_quantity,
    unit_price,
    unit_cost,
    updated_at,
    _load_seq
from {{ raw_as_of('erp', 'order_lines', ['order_id', 'line_number']) }} as raw_rows
