{#- Service failure events of every customer, dated <= D (metrics.md "Service failures").
    One row per event: a late delivery and an incomplete delivery of an order, and a
    CRM case (complaint). `order_id` / `case_id` name the source of the event.
    int_orders holds the orders dated <= D, a delivered_date after D as null. -#}
{%- set d = as_of_date() -%}

with orders as (

    -- orders not cancelled (is_purchase)
    select
        order_id,
        customer_id,
        promised_date,
        delivered_date,
        ordered_quantity,
        delivered_quantity
    from {{ ref('int_orders') }}
    where is_purchase

),

late_deliveries as (

    select
        orders.customer_id,
        orders.order_id,
        cast(null as {{ dbt.type_string() }}) as case_id,
        orders.promised_date as event_date,
        'late_delivery' as failure_category,
        'delivery' as failure_area
    from orders
    where
        orders.promised_date is not null
        and orders.promised_date <= {{ d }}
        and (
            (orders.delivered_date is not null and orders.delivered_date > orders.promised_date)
            or (orders.delivered_date is null and orders.promised_date < {{ d }})
        )

),

incomplete_deliveries as (

    -- a delivered order (returned included); "in full" compares the sums over the
    -- order's lines (int_orders: a null delivered quantity counts 0; an order
    -- without lines sums 0 of 0, so it is in full)
    select
        orders.customer_id,
        orders.order_id,
        cast(null as {{ dbt.type_string() }}) as case_id,
        orders.delivered_date as event_date,
        'incomplete_delivery' as failure_category,
        'delivery' as failure_area
    from orders
    where
        orders.delivered_date is not null
        and orders.delivered_quantity < orders.ordered_quantity

),

customers as (

    select customer_id from {{ ref('int_customers') }}

),

complaints as (

    -- a case belongs to cases.account_id; cases of an id without a customer row are left out
    select
        cases.account_id as customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cases.case_id,
        cast(cases.opened_at as date) as event_date,
        {{ dbt.concat(["'complaint_'", 'cases.category']) }} as failure_category,
        cases.category as failure_area
    from {{ ref('stg_crm__cases') }} as cases
    inner join customers
        on customers.customer_id = cases.account_id
    where cast(cases.opened_at as date) <= {{ d }}

),

events as (

    select * from late_deliveries
    union all
    select * from incomplete_deliveries
    union all
    select * from complaints

)

select
    customer_id,
    {{ dbt.concat(['failure_category', "':'", 'coalesce(order_id, case_id)']) }} as event_id,
    event_date,
    failure_category,
    failure_area,
    order_id,
    case_id
from events
