{#- One row per order that has lines (any order date), with the sums of its lines in
    the reporting currency; int_orders adds the orders without lines and the as-of rules.

    Incremental (delete+insert by order_id): a night re-sums the orders with a line
    that int_order_lines computed from a source row (order, line or applied rate)
    loaded after every one summed here: a recomputed line whose value can have
    changed always has one. -#}
{{ config(materialized='incremental', unique_key='order_id', incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns') }}

with lines as (

    select *
    from {{ ref('int_order_lines') }}
    {% if is_incremental() -%}
    -- orders with a line computed from a source row loaded after every one summed here
        where order_id in (
            select changed.order_id
            from {{ ref('int_order_lines') }} as changed
            where
                changed.order_load_seq > (select coalesce(max(summed.order_load_seq), 0) from {{ this }} as summed)
                or changed.line_load_seq > (select coalesce(max(summed.line_load_seq), 0) from {{ this }} as summed)
                or changed.rate_load_seq > (select coalesce(max(summed.rate_load_seq), 0) from {{ this }} as summed)
        )
    {%- endif %}

)

select
    order_id,
    cast(sum(revenue_eur) as decimal(38, 12)) as revenue_eur,
    cast(sum(coalesce(cost_eur, 0)) as decimal(38, 12)) as cost_eur,
    cast(sum(case when cost_eur is not null then revenue_eur else 0 end) as decimal(38, 12)) as revenue_with_cost_eur,
    cast(sum(quantity) as decimal(38, 6)) as ordered_quantity,
    cast(sum(coalesce(delivered_quantity, 0)) as decimal(38, 6)) as delivered_quantity,
    cast(count(*) as integer) as line_count,
    max(order_load_seq) as order_load_seq,
    max(line_load_seq) as line_load_seq,
    max(rate_load_seq) as rate_load_seq
from lines
group by order_id
