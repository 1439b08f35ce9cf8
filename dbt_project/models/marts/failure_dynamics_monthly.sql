{#- Monthly failure dynamics (metrics.md "Service failures"): one row per customer,
    calendar month and failure category with at least one event, over all history up to D. -#}
{%- set d = as_of_date() -%}

with events as (

    select customer_id,
           {{ month_start('event_date') }} as month_start,
           failure_category,
           failure_area
    from {{ ref('int_failure_events') }}
    where event_date <= {{ d }}

),

monthly as (

    select customer_id, month_start, failure_category, failure_area,
           count(*) as failure_count
    from events
    group by customer_id, month_start, failure_category, failure_area

),

monthly_orders as (

    -- the customer's orders dated in the month, not cancelled
    select customer_id,
           {{ month_start('order_date') }} as month_start,
           count(*) as orders_count
    from {{ ref('int_orders') }}
    where status <> 'cancelled'
      and order_date <= {{ d }}
    group by customer_id, {{ month_start('order_date') }}

),

rolling as (

    -- the category's events in the month and the two calendar months before it
    select m.customer_id, m.month_start, m.failure_category,
           sum(p.failure_count) as failure_count_3m
    from monthly as m
    inner join monthly as p
        on p.customer_id = m.customer_id
       and p.failure_category = m.failure_category
       and p.month_start <= m.month_start
       and p.month_start >= cast({{ dbt.dateadd('month', -2, 'm.month_start') }} as date)
    group by m.customer_id, m.month_start, m.failure_category

)

select m.customer_id,
       m.month_start,
       m.failure_category,
       m.failure_area,
       cast(m.failure_count as integer) as failure_count,
       cast(coalesce(o.orders_count, 0) as integer) as orders_count,
       cast(r.failure_count_3m as integer) as failure_count_3m,
       {{ d }} as as_of_date
from monthly as m
inner join rolling as r
    on r.customer_id = m.customer_id
   and r.month_start = m.month_start
   and r.failure_category = m.failure_category
left join monthly_orders as o
    on o.customer_id = m.customer_id
   and o.month_start = m.month_start
