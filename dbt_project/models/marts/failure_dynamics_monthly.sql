{#- Monthly failure dynamics (metrics.md "Service failures"): one row per customer,
    calendar month and failure category with at least one event, over all history up to D
    (int_failure_events holds the events counting as of D; the orders per month are those
    dated <= D, macro customer_months_as_of). -#}

with events as (

    select
        customer_id,
        {{ month_start('event_date') }} as month_start,
        failure_category,
        failure_area
    from {{ ref('int_failure_events') }}

),

monthly as (

    select
        customer_id,
        month_start,
        failure_category,
        failure_area,
        count(*) as failure_count
    from events
    group by customer_id, month_start, failure_category, failure_area

),

monthly_orders as (

    -- the customer's orders dated in the month (and <= D), not cancelled
    select
        customer_id,
        month_start,
        purchase_orders as orders_count
    from ({{ customer_months_as_of() }}) as months

),

rolling as (

    -- the category's events in the month and the two calendar months before it
    select
        month_events.customer_id,
        month_events.month_start,
        month_events.failure_category,
        sum(window_events.failure_count) as failure_count_3m
    from monthly as month_events
    inner join monthly as window_events
        on
            window_events.customer_id = month_events.customer_id
            and window_events.failure_category = month_events.failure_category
            and window_events.month_start <= month_events.month_start
            and window_events.month_start >= cast({{ dbt.dateadd('month', -2, 'month_events.month_start') }} as date)
    group by month_events.customer_id, month_events.month_start, month_events.failure_category

)

select
    monthly.customer_id,
    monthly.month_start,
    monthly.failure_category,
    monthly.failure_area,
    cast(monthly.failure_count as integer) as failure_count,
    cast(coalesce(monthly_orders.orders_count, 0) as integer) as orders_count,
    cast(rolling.failure_count_3m as integer) as failure_count_3m,
    {{ as_of_date() }} as as_of_date
from monthly
inner join rolling
    on
        rolling.customer_id = monthly.customer_id
        and rolling.month_start = monthly.month_start
        and rolling.failure_category = monthly.failure_category
left join monthly_orders
    on
        monthly_orders.customer_id = monthly.customer_id
        and monthly_orders.month_start = monthly.month_start
