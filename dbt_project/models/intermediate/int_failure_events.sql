{#- Service failure events of every customer, dated <= D (metrics.md "Service failures").
    One row per event: a late delivery and an incomplete delivery of an order, and a
    CRM case (complaint). `order_id` / `case_id` name the source of the event. -#}
{%- set d = as_of_date() -%}

with orders as (

    select order_id, customer_id, promised_date, status,
           -- a delivered_date after D counts as not delivered yet
           case when delivered_date <= {{ d }} then delivered_date end as delivered_date
    from {{ ref('int_orders') }}
    where status <> 'cancelled'

),

order_quantities as (

    -- "in full" compares the sums over the order's lines; null delivered quantity counts 0
    select order_id,
           sum(quantity) as ordered_quantity,
           sum(coalesce(delivered_quantity, 0)) as delivered_quantity
    from {{ ref('int_order_lines') }}
    group by order_id

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

    -- a delivered order (returned included); an order without lines is in full
    select o.customer_id,
           o.order_id,
           cast(null as {{ dbt.type_string() }}) as case_id,
           o.delivered_date as event_date,
           'incomplete_delivery' as failure_category,
           'delivery' as failure_area
    from orders as o
    inner join order_quantities as q
        on q.order_id = o.order_id
    where o.delivered_date is not null
      and q.delivered_quantity < q.ordered_quantity

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
