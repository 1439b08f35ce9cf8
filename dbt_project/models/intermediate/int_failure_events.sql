{#- Service failure events of every customer, dated <= D (metrics.md "Service failures").
    One row per event: a late delivery and an incomplete delivery of an order, and a
    CRM case (complaint). `order_id` / `case_id` name the source of the event. -#}
{%- set d = as_of_date() -%}

with orders as (

    select order_id, customer_id, promised_date, status, ordered_quantity, delivered_quantity,
           -- a delivered_date after D counts as not delivered yet
           case when delivered_date <= {{ d }} then delivered_date end as delivered_date
    from {{ ref('int_orders') }}
    where status <> 'cancelled'

),

late_deliveries as (

    select o.customer_id,
           o.order_id,
           cast(null as {{ dbt.type_string() }}) as case_id,
           o.promised_date as event_date,
           'late_delivery' as failure_category,
           'delivery' as failure_area
    from orders as o
    where o.promised_date is not null
      and o.promised_date <= {{ d }}
      and (
            (o.delivered_date is not null and o.delivered_date > o.promised_date)
         or (o.delivered_date is null and o.promised_date < {{ d }})
      )

),

incomplete_deliveries as (

    -- a delivered order (returned included); "in full" compares the sums over the
    -- order's lines (int_orders: a null delivered quantity counts 0; an order
    -- without lines sums 0 of 0, so it is in full)
    select o.customer_id,
           o.order_id,
           cast(null as {{ dbt.type_string() }}) as case_id,
           o.delivered_date as event_date,
           'incomplete_delivery' as failure_category,
           'delivery' as failure_area
    from orders as o
    where o.delivered_date is not null
      and o.delivered_quantity < o.ordered_quantity

),

customers as (

    select customer_id from {{ ref('int_customers') }}

),

complaints as (

    -- a case belongs to cases.account_id; cases of an id without a customer row are left out
    select c.account_id as customer_id,
           cast(null as {{ dbt.type_string() }}) as order_id,
           c.case_id,
           cast(c.opened_at as date) as event_date,
           {{ dbt.concat(["'complaint_'", 'c.category']) }} as failure_category,
           c.category as failure_area
    from {{ ref('stg_crm__cases') }} as c
    inner join customers as k
        on k.customer_id = c.account_id
    where cast(c.opened_at as date) <= {{ d }}

),

events as (

    select * from late_deliveries
    union all
    select * from incomplete_deliveries
    union all
    select * from complaints

)

select customer_id,
       {{ dbt.concat(['failure_category', "':'", 'coalesce(order_id, case_id)']) }} as event_id,
       event_date,
       failure_category,
       failure_area,
       order_id,
       case_id
from events
