{#- One row per customer and day with at least one order (any order date, any status): how
    many orders, purchases (not cancelled) and counted orders (not cancelled or returned) it
    placed that day, and the counted orders' amounts (exact decimals). Independent of D:
    consumers keep order_date <= D. The lapse rule reads the purchase days, the customer
    universe every order day.

    Incremental (delete+insert by customer_id): a night recomputes every day of the customers
    whose orders changed (macro customers_to_recompute); a customer left without orders gets
    one row with a null order_date, which the post-hook deletes.
    On Spark: by partitions of customer buckets (macro incremental_by_key). -#}
{{ config(**incremental_by_key('customer_id', placeholder_column='order_date')) }}

with

{% if is_incremental() %}
    recompute as (

        {{ customers_to_recompute(ref('int_orders'), 'count(*)') }}

    ),
{% endif %}

orders as (

    select *
    from {{ ref('int_orders') }}
    {% if is_incremental() -%}
        where {{ recompute_filter('customer_id', 'recompute') }}
    {%- endif %}

)

select
    customer_id,
    order_date,
    cast(count(*) as integer) as orders,
    cast(sum(case when is_purchase then 1 else 0 end) as integer) as purchase_orders,
    cast(sum(case when is_counted then 1 else 0 end) as integer) as counted_orders,
    cast(sum(case when is_counted then revenue_eur else 0 end) as decimal(38, 12)) as revenue_eur,
    cast(sum(case when is_counted then cost_eur else 0 end) as decimal(38, 12)) as cost_eur,
    cast(sum(case when is_counted then revenue_with_cost_eur else 0 end) as decimal(38, 12)) as revenue_with_cost_eur,
    max(order_load_seq) as order_load_seq,
    max(line_load_seq) as line_load_seq,
    max(rate_load_seq) as rate_load_seq,
    {{ night_stamp() }}{{ key_bucket_column('customer_id') }}
from orders
group by customer_id, order_date
{%- if is_incremental() %}

    union all

    {{ customers_left_without_orders('order_date', 'orders') }}
{%- endif %}
