{#- The customers an incremental per-customer model (delete+insert by customer_id) recomputes,
    as a query of one column customer_id, from `source` (a ref with columns customer_id and
    the lineage order_load_seq, line_load_seq, rate_load_seq):
    1. the customers of source rows computed from a source row loaded after every one this
       model holds (lineage above the greatest held): new and changed orders, in their
       current state;
    2. the customers whose number of orders this model holds (`sum(orders)`) differs from
       the source's (`source_orders`, e.g. count(*)): a customer that lost an order to
       another customer (its customer_id changed) and gained none. Such a customer may have
       no row left in `source`: the model then writes one row with a null date (see
       macro customers_left_without_orders), which its post-hook deletes, so that delete+insert removes its rows.

      {{ customers_to_recompute(ref('int_orders'), 'count(*)') }} -#}
{% macro customers_to_recompute(source, source_orders) -%}
select changed.customer_id
from {{ source }} as changed
where
    changed.order_load_seq > (select coalesce(max(held.order_load_seq), 0) from {{ this }} as held)
    or changed.line_load_seq > (select coalesce(max(held.line_load_seq), 0) from {{ this }} as held)
    or changed.rate_load_seq > (select coalesce(max(held.rate_load_seq), 0) from {{ this }} as held)
union
select held_orders.customer_id
from (
    select
        held.customer_id,
        sum(held.orders) as orders
    from {{ this }} as held
    group by held.customer_id
) as held_orders
left join (
    select
        current_rows.customer_id,
        {{ source_orders }} as orders
    from {{ source }} as current_rows
    group by current_rows.customer_id
) as current_orders
    on current_orders.customer_id = held_orders.customer_id
where coalesce(current_orders.orders, 0) <> held_orders.orders
{%- endmacro %}


{#- The placeholder rows of the recomputed customers that have no row left in `present` (the
    model's input CTE): one row each with a null `date_column`, zero counts and amounts, so
    that delete+insert by customer_id removes their old rows; the model's post-hook deletes
    the placeholders. For the per-customer models with the measures of int_customer_order_days.

      union all
      {{ customers_left_without_orders('order_date', 'orders') }} -#}
{% macro customers_left_without_orders(date_column, present) -%}
-- a customer left without orders: one row to delete its old ones (removed by the post-hook)
select
    recompute.customer_id,
    cast(null as date) as {{ date_column }},
    0 as orders,
    0 as purchase_orders,
    0 as counted_orders,
    cast(0 as decimal(38, 12)) as revenue_eur,
    cast(0 as decimal(38, 12)) as cost_eur,
    cast(0 as decimal(38, 12)) as revenue_with_cost_eur,
    cast(null as bigint) as order_load_seq,
    cast(null as bigint) as line_load_seq,
    cast(null as bigint) as rate_load_seq,
    {{ night_stamp() }}{{ key_bucket_column('recompute.customer_id') }}
from recompute
where not exists (
    select 1 from {{ present }}
    where {{ present }}.customer_id = recompute.customer_id
)
{%- endmacro %}
