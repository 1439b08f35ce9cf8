{#- Service failures per customer as of D (metrics.md "Service failures"): counts in the
    90 days up to D and the 90 before, the trend, the top area and the OTIF rate.
    int_failure_events holds only the events counting as of D; int_orders holds orders of
    every date with their delivered_date as the order system says (one after D: not
    delivered yet). -#}
{%- set d = as_of_date() -%}
{%- set recent_start = days_up_to_start(90, d) -%}
{%- set prior_start = days_up_to_start(180, d) -%}

with customers as (

    select customer_id from {{ ref('int_customers') }}

),

events as (

    select
        customer_id,
        order_id,
        event_date,
        failure_area,
        case when event_date >= {{ recent_start }} then 1 else 0 end as is_recent,
        case when event_date >= {{ prior_start }} and event_date < {{ recent_start }} then 1 else 0 end as is_prior
    from {{ ref('int_failure_events') }}

),

counts as (

    select
        customer_id,
        sum(is_recent) as failures_90d,
        sum(is_prior) as failures_prev_90d
    from events
    group by customer_id

),

recent_areas as (

    select
        customer_id,
        failure_area,
        count(*) as area_events
    from events
    where is_recent = 1
    group by customer_id, failure_area

),

top_areas as (

    -- the area with most recent events; ties: alphabetical
    select
        customer_id,
        failure_area,
        row_number() over (
            partition by customer_id
            order by area_events desc, {{ key_order('failure_area') }} asc
        ) as area_rank
    from recent_areas

),

otif_orders as (

    -- orders dated <= D, not cancelled, promised in [D-89, D], delivered by D
    select
        customer_id,
        order_id,
        promised_date,
        delivered_date
    from {{ ref('int_orders') }}
    where
        is_purchase
        and order_date <= {{ d }}
        and promised_date >= {{ recent_start }}
        and promised_date <= {{ d }}
        and delivered_date <= {{ d }}

),

order_failures as (

    -- a delivered order misses OTIF exactly when it has a late or incomplete delivery event
    select distinct order_id
    from events
    where order_id is not null

),

otif as (

    select
        otif_orders.customer_id,
        count(*) as delivered_orders,
        sum(case
            when
                order_failures.order_id is null
                and otif_orders.delivered_date <= otif_orders.promised_date then 1
            else 0
        end)
            as on_time_in_full_orders
    from otif_orders
    left join order_failures
        on order_failures.order_id = otif_orders.order_id
    group by otif_orders.customer_id

)

select
    customers.customer_id,
    cast(coalesce(counts.failures_90d, 0) as integer) as failures_90d,
    cast(coalesce(counts.failures_prev_90d, 0) as integer) as failures_prev_90d,
    case
        when coalesce(counts.failures_90d, 0) = 0 and coalesce(counts.failures_prev_90d, 0) = 0 then 'none'
        -- 1.5 x compared in integers: 2 x recent >= 3 x prior
        when
            counts.failures_90d >= counts.failures_prev_90d + 2
            and 2 * counts.failures_90d >= 3 * counts.failures_prev_90d then 'rising'
        when
            counts.failures_prev_90d >= counts.failures_90d + 2
            and 2 * counts.failures_prev_90d >= 3 * counts.failures_90d then 'falling'
        else 'stable'
    end as failure_trend,
    top_areas.failure_area as top_failure_area_90d,
    case
        when otif.delivered_orders > 0
            then
                cast(otif.on_time_in_full_orders as {{ type_double() }})
                / cast(otif.delivered_orders as {{ type_double() }})
    end as otif_rate_90d
from customers
left join counts
    on counts.customer_id = customers.customer_id
left join top_areas
    on
        top_areas.customer_id = customers.customer_id
        and top_areas.area_rank = 1
left join otif
    on otif.customer_id = customers.customer_id
