-- One row per order line (order_id, line_number), the latest valid version. Lines whose order is missing are kept here and dropped by int_order_lines.
-- Typed, trimmed and deduplicated by extraction; contract columns only (no lineage).
select
    order_id,
    line_number,
    product_id,
    product_category,
    quantity,
    delivered_quantity,
    unit_price,
    unit_cost,
    updated_at
from {{ source('raw', 'order_lines') }}
