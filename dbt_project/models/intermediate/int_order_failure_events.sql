{#- The late and incomplete deliveries an order can ever have (metrics.md "Service failures"),
    independent of D: one row per event of an order not cancelled, with `counts_from`, the
    first as-of date on which it counts. An order delivered in full on or before its promised
    date (or without promise) has none, for any D.
    - late_delivery: a promised_date, and no delivered_date or one after it; dated promised_date.
      As of D it counts when the order is dated <= D and promised_date < D: then it is either
      delivered after the promise or not delivered by D (a delivered_date after D is not
      delivered yet; a promise on D undelivered is not late yet).
    - incomplete_delivery: a delivered_date and the lines' delivered quantity summing below the
      ordered one (int_orders: a null delivered quantity counts 0, no lines is 0 of 0, in
      full); dated delivered_date, counts once the order is dated <= D and delivered by D.

    Incremental (delete+insert by order_id): a night recomputes the orders of int_orders
    computed from an order or line loaded later than every one this table holds; such an
    order without events gets one row with a null event_id, which the post-hook deletes, so
    delete+insert removes its old events. Sources never delete orders. On Spark: by
    partitions of order buckets (macro incremental_by_key). -#}
{{ config(**incremental_by_key('order_id', placeholder_column='event_id')) }}

with

{% if is_incremental() %}
    held as (

        select
            coalesce(max(order_load_seq), 0) as order_load_seq,
            coalesce(max(line_load_seq), 0) as line_load_seq
        from {{ this }}

    ),

    touched_orders as (

        select order_id
        from {{ ref('int_orders') }}
        where
            order_load_seq > (select held.order_load_seq from held)
            or line_load_seq > (select held.line_load_seq from held)

    ),
{% endif %}

orders as (

    select
        order_id,
        customer_id,
        order_date,
        promised_date,
        delivered_date,
        is_purchase,
        ordered_quantity,
        delivered_quantity,
        order_load_seq,
        line_load_seq
    from {{ ref('int_orders') }}
    {% if is_incremental() -%}
        where {{ recompute_filter('order_id', 'touched_orders') }}
    {%- endif %}

),

events as (

    select
        order_id,
        'late_delivery' as failure_category,
        promised_date as event_date,
        case
            when order_date > promised_date then order_date
            else cast({{ dbt.dateadd('day', 1, 'promised_date') }} as date)
        end as counts_from
    from orders
    where
        is_purchase
        and promised_date is not null
        and (delivered_date is null or delivered_date > promised_date)

    union all

    select
        order_id,
        'incomplete_delivery' as failure_category,
        delivered_date as event_date,
        case when order_date > delivered_date then order_date else delivered_date end as counts_from
    from orders
    where
        is_purchase
        and delivered_date is not null
        and delivered_quantity < ordered_quantity

)

select
    orders.customer_id,
    orders.order_id,
    {{ dbt.concat(['events.failure_category', "':'", 'orders.order_id']) }} as event_id,
    events.event_date,
    events.failure_category,
    cast(case when events.order_id is not null then 'delivery' end as {{ dbt.type_string() }}) as failure_area,
    events.counts_from,
    orders.order_load_seq,
    orders.line_load_seq,
    {{ night_stamp() }}{{ key_bucket_column('orders.order_id') }}
from orders
{% if is_incremental() -%}
    left join events
        on events.order_id = orders.order_id
{%- else -%}
    inner join events
        on events.order_id = orders.order_id
{%- endif %}
