-- One row per customer: whether it stopped buying. Purchases are orders with a
-- status other than cancelled, dated <= D (returned ones included, and orders
-- without an exchange rate). typical_interval_days is the median gap in days
-- between consecutive distinct purchase dates among those in the 730 days up to
-- D ([D-729, D]); it needs at least 3 distinct dates. The median is taken with
-- window functions (portable): the mean of the middle one or two gaps.

with purchases as (

    -- the days with a purchase, one row each (int_customer_order_days)
    select
        customer_id,
        order_date
    from {{ ref('int_customer_order_days') }}
    where purchase_orders > 0 and order_date <= {{ as_of_date() }}

),

purchase_span as (

    select
        customer_id,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date
    from purchases
    group by customer_id

),

recent_dates as (

    select
        customer_id,
        order_date
    from purchases
    where order_date >= {{ days_up_to_start(730, as_of_date()) }}

),

gaps as (

    select
        customer_id,
        {{ dbt.datediff(
            'lag(order_date) over (partition by customer_id order by order_date)',
            'order_date', 'day') }} as gap_days
    from recent_dates

),

ranked_gaps as (

    select
        customer_id,
        gap_days,
        row_number() over (partition by customer_id order by gap_days) as gap_rank,
        count(*) over (partition by customer_id) as gap_count
    from gaps
    where gap_days is not null

),

typical_interval as (

    -- the middle gap (odd count) or the mean of the middle two (even count):
    -- the ranks r with count <= 2r <= count + 2 (no integer division, which
    -- differs between DuckDB and PostgreSQL); 3 distinct dates = 2 gaps
    select
        customer_id,
        avg(cast(gap_days as {{ type_double() }})) as typical_interval_days
    from ranked_gaps
    where
        gap_count >= 2
        and 2 * gap_rank between gap_count and gap_count + 2
    group by customer_id

),

thresholds as (

    select
        customers.customer_id,
        purchase_span.first_order_date,
        purchase_span.last_order_date,
        {{ dbt.datediff('purchase_span.last_order_date', as_of_date(), 'day') }} as days_since_last_order,
        typical_interval.typical_interval_days,
        case
            when typical_interval.typical_interval_days is null
                then cast({{ var('lapse_default_at_risk_days') }} as {{ type_double() }})
            else greatest(
                cast({{ var('lapse_at_risk_min_days') }} as {{ type_double() }}),
                {{ var('lapse_at_risk_factor') }} * typical_interval.typical_interval_days
            )
        end as at_risk_after_days,
        case
            when typical_interval.typical_interval_days is null
                then cast({{ var('lapse_default_lapsed_days') }} as {{ type_double() }})
            else greatest(
                cast({{ var('lapse_lapsed_min_days') }} as {{ type_double() }}),
                {{ var('lapse_lapsed_factor') }} * typical_interval.typical_interval_days
            )
        end as lapsed_after_days
    from {{ ref('int_customers') }} as customers
    left join purchase_span
        on purchase_span.customer_id = customers.customer_id
    left join typical_interval
        on typical_interval.customer_id = customers.customer_id

)

select
    customer_id,
    first_order_date,
    last_order_date,
    cast(days_since_last_order as integer) as days_since_last_order,
    typical_interval_days,
    at_risk_after_days,
    lapsed_after_days,
    case
        when last_order_date is null then 'never_ordered'
        when days_since_last_order >= {{ var('lapse_lost_days') }} then 'lost'
        when days_since_last_order > lapsed_after_days then 'lapsed'
        when days_since_last_order > at_risk_after_days then 'at_risk'
        else 'active'
    end as lapse_status,
    cast(
        {{ dbt.dateadd('day', 'floor(typical_interval_days)', 'last_order_date') }}
        as date
    ) as expected_next_order_date
from thresholds
