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
       tombstone_rows), which its post-hook deletes, so that delete+insert removes its rows.

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
