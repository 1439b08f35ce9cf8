-- One row per customer and observed month of the analysis window W: the months
-- from the later of window_start and the month of the customer's first counted
-- order ever, with the revenue of its counted orders in that month, zero when it
-- bought nothing. Customers with no counted order, or a first one after W, have
-- no rows (months_observed 0).

{%- set months = var('analysis_months') | int %}

with window_months as (

    {% for n in range(months) -%}
        select cast({{ dbt.dateadd('month', n, analysis_window_start()) }} as date) as month_start
        {% if not loop.last %}union all
        {% endif %}
    {%- endfor %}

),

counted_orders as (

    select
        customer_id,
        order_date,
        revenue_eur
    from {{ ref('int_orders') }}
    where is_counted

),

first_counted as (

    select
        customer_id,
        {{ month_start('min(order_date)') }} as first_month
    from counted_orders
    group by customer_id

),

monthly_revenue as (

    select
        customer_id,
        {{ month_start('order_date') }} as month_start,
        sum(revenue_eur) as revenue_eur
    from counted_orders
    where order_date between {{ analysis_window_start() }} and {{ analysis_window_end() }}
    group by customer_id, {{ month_start('order_date') }}

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
