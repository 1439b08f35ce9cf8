{#- Service failures per customer as of D (metrics.md "Service failures"): counts in the
    90 days up to D and the 90 before, the trend, the top area and the OTIF rate. -#}
{%- set d = as_of_date() -%}
{%- set recent_start = "cast(" ~ dbt.dateadd('day', -89, d) ~ " as date)" -%}
{%- set prior_start = "cast(" ~ dbt.dateadd('day', -179, d) ~ " as date)" -%}

with customers as (

    select customer_id from {{ ref('int_customers') }}

),

events as (

    select customer_id, order_id, event_date, failure_area,
           case when event_date >= {{ recent_start }} and event_date <= {{ d }} then 1 else 0 end as is_recent,
           case when event_date >= {{ prior_start }} and event_date < {{ recent_start }} then 1 else 0 end as is_prior
    from {{ ref('int_failure_events') }}
    where event_date <= {{ d }}

),

counts as (

    select customer_id,
           sum(is_recent) as failures_90d,
           sum(is_prior) as failures_prev_90d
    from events
    group by customer_id

),

recent_areas as (

    select customer_id, failure_area, count(*) as area_events
    from events
    where is_recent = 1
    group by customer_id, failure_area

),

top_areas as (

    -- the area with most recent events; ties: alphabetical
    select customer_id, failure_area,
           row_number() over (
               partition by customer_id
               order by area_events desc, {{ key_order('failure_area') }}
           ) as area_rank
    from recent_areas

),

otif_orders as (

    -- orders not cancelled, promised in [D-89, D], delivered (by D)
    select customer_id, order_id, promised_date, delivered_date
    from {{ ref('int_orders') }}
    where status <> 'cancelled'
      and promised_date >= {{ recent_start }}
      and promised_date <= {{ d }}
      and delivered_date is not null
      and delivered_date <= {{ d }}

),

order_failures as (

    -- a delivered order misses OTIF exactly when it has a late or incomplete delivery event
    select distinct order_id
    from events
    where order_id is not null

),

otif as (

    select o.customer_id,
           count(*) as delivered_orders,
           sum(case when f.order_id is null and o.delivered_date <= o.promised_date then 1 else 0 end)
               as on_time_in_full_orders
    from otif_orders as o
    left join order_failures as f
        on f.order_id = o.order_id
    group by o.customer_id

)

select c.customer_id,
       cast(coalesce(n.failures_90d, 0) as integer) as failures_90d,
       cast(coalesce(n.failures_prev_90d, 0) as integer) as failures_prev_90d,
       case
           when coalesce(n.failures_90d, 0) = 0 and coalesce(n.failures_prev_90d, 0) = 0 then 'none'
           -- 1.5 x compared in integers: 2 x recent >= 3 x prior
           when n.failures_90d >= n.failures_prev_90d + 2
                and 2 * n.failures_90d >= 3 * n.failures_prev_90d then 'rising'
           when n.failures_prev_90d >= n.failures_90d + 2
                and 2 * n.failures_prev_90d >= 3 * n.failures_90d then 'falling'
           else 'stable'
       end as failure_trend,
       t.failure_area as top_failure_area_90d,
       case when o.delivered_orders > 0
            then cast(o.on_time_in_full_orders as double precision)
                 / cast(o.delivered_orders as double precision)
       end as otif_rate_90d
from customers as c
left join counts as n
    on n.customer_id = c.customer_id
left join top_areas as t
    on t.customer_id = c.customer_id
   and t.area_rank = 1
left join otif as o
    on o.customer_id = c.customer_id
