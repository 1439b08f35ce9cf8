-- One row per customer and observed month of the analysis window W: the months
-- from the later of window_start and the month of the customer's first counted
-- order ever, with the revenue of its counted orders in that month, zero when it
-- bought nothing. Customers with no counted order, or a first one after W, have
-- no rows (months_observed 0). Read from the counted amounts per customer and month
-- (int_customer_months).

{%- set months = var('analysis_months') | int %}

with window_months as (

    {% for n in range(months) -%}
        select cast({{ dbt.dateadd('month', n, analysis_window_start()) }} as date) as month_start
        {% if not loop.last %}union all
        {% endif %}
    {%- endfor %}

),

counted_months as (

    -- the months with a counted order, up to the end of W (a first one after W observes nothing)
    select
        customer_id,
        month_start,
        revenue_eur
    from {{ ref('int_customer_months') }}
    where counted_orders > 0 and month_start <= {{ analysis_window_end() }}

),

first_counted as (

    select
        customer_id,
        min(month_start) as first_month
    from counted_months
    group by customer_id

),

monthly_revenue as (

    select
        customer_id,
        month_start,
        revenue_eur
    from counted_months
    where month_start >= {{ analysis_window_start() }}

)

select
    first_counted.customer_id,
    window_months.month_start,
    cast(coalesce(monthly_revenue.revenue_eur, 0) as decimal(38, 12)) as revenue_eur
from first_counted
inner join window_months
    on window_months.month_start >= first_counted.first_month
left join monthly_revenue
    on
        monthly_revenue.customer_id = first_counted.customer_id
        and monthly_revenue.month_start = window_months.month_start
