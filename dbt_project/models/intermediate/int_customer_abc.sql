-- One row per customer: ABC class by revenue_12m (abc_revenue) and by
-- gross_margin_12m (abc_margin), by the rule of metrics.md (macro abc_classes).
-- Customers whose value is not > 0 get no class and null shares.

with customer_revenue as (

    select
        customer_id,
        revenue_12m,
        gross_margin_12m
    from {{ ref('int_customer_revenue') }}

),

by_revenue as (

    {{ abc_classes('customer_revenue', 'revenue_12m') }}

),

by_margin as (

    {{ abc_classes('customer_revenue', 'gross_margin_12m') }}

)

select
    customer_revenue.customer_id,
    by_revenue.share as revenue_share,
    by_revenue.cum_share as revenue_cum_share,
    by_revenue.cum_share_before as revenue_cum_share_before,
    by_revenue.abc_class as abc_revenue,
    by_margin.share as margin_share,
    by_margin.cum_share as margin_cum_share,
    by_margin.cum_share_before as margin_cum_share_before,
    by_margin.abc_class as abc_margin
from customer_revenue
inner join by_revenue
    on by_revenue.customer_id = customer_revenue.customer_id
inner join by_margin
    on by_margin.customer_id = customer_revenue.customer_id
