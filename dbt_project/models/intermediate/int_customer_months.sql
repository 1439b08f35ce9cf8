{#- One row per customer and calendar month with at least one order (any date, any status):
    its orders, purchases (not cancelled) and counted orders (not cancelled or returned) of
    the month, and the counted orders' revenue, cost and revenue with known cost (exact
    decimals), summed from int_customer_order_days. Independent of D: the analysis window
    W is whole months (macros analysis_window_start / analysis_window_end), so the revenue
    and XYZ rules read these rows.

    Incremental (delete+insert by customer_id): a night recomputes every month of the
    customers whose order days changed (macro customers_to_recompute); a customer left
    without orders gets one row with a null month_start, which the post-hook deletes.
    On Spark: by partitions of customer buckets (macro incremental_by_key). -#}
{{ config(**incremental_by_key('customer_id', placeholder_column='month_start')) }}

with

{% if is_incremental() %}
    recompute as (

        {{ customers_to_recompute(ref('int_customer_order_days'), 'sum(orders)') }}

    ),
{% endif %}

order_days as (

    select *
    from {{ ref('int_customer_order_days') }}
    {% if is_incremental() -%}
        where {{ recompute_filter('customer_id', 'recompute') }}
    {%- endif %}

)

select
    customer_id,
    {{ month_start('order_date') }} as month_start,
    cast(sum(orders) as integer) as orders,
    cast(sum(purchase_orders) as integer) as purchase_orders,
    cast(sum(counted_orders) as integer) as counted_orders,
    cast(sum(revenue_eur) as decimal(38, 12)) as revenue_eur,
    cast(sum(cost_eur) as decimal(38, 12)) as cost_eur,
    cast(sum(revenue_with_cost_eur) as decimal(38, 12)) as revenue_with_cost_eur,
    max(order_load_seq) as order_load_seq,
    max(line_load_seq) as line_load_seq,
    max(rate_load_seq) as rate_load_seq,
    {{ night_stamp() }}{{ key_bucket_column('customer_id') }}
from order_days
group by customer_id, {{ month_start('order_date') }}
{%- if is_incremental() %}

    union all

    {{ customers_left_without_orders('month_start', 'order_days') }}
{%- endif %}
