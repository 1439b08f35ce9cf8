-- One row per order line of an order dated <= D, amounts converted to the
-- reporting currency with the latest rate on or before the order date.
-- Lines whose order is missing (or dated after D) are left out.
-- An order without an applicable rate adds zero to every amount (has_rate false).

with orders as (

    select order_id, customer_id, order_date, status, currency
    from {{ ref('stg_erp__orders') }}
    where order_date <= {{ as_of_date() }}

),

rates as (

    -- each rate is valid from its rate_date until the day before the next one
    select
        currency,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency order by rate_date) as valid_until,
        rate_to_reporting
    from {{ ref('stg_erp__fx_rates') }}

),

orders_with_rate as (

    select
        orders.*,
        case
            when orders.currency = '{{ var("reporting_currency") }}' then cast(1 as decimal(18,10))
            else rates.rate_to_reporting
        end as fx_rate
    from orders
    left join rates
        on rates.currency = orders.currency
        and orders.currency <> '{{ var("reporting_currency") }}'
        and rates.valid_from <= orders.order_date
        and (rates.valid_until is null or orders.order_date < rates.valid_until)

),

lines as (

    select
        lines.order_id,
        lines.line_number,
        orders.customer_id,
        orders.order_date,
        orders.status,
        orders.currency,
        lines.product_id,
        lines.product_category,
        lines.quantity,
        lines.delivered_quantity,
        lines.unit_price,
        lines.unit_cost,
        orders.fx_rate,
        orders.fx_rate is not null as has_rate,
        -- widen before multiplying: decimal(18,6) x decimal(18,6) overflows DuckDB's 64-bit decimals
        cast(cast(lines.quantity as decimal(38,12)) * lines.unit_price as decimal(38,12)) as revenue_local,
        cast(cast(lines.quantity as decimal(38,12)) * lines.unit_cost as decimal(38,12)) as cost_local
    from {{ ref('stg_erp__order_lines') }} as lines
    inner join orders_with_rate as orders
        on orders.order_id = lines.order_id

)

select
    order_id,
    line_number,
    customer_id,
    order_date,
    status,
    currency,
    product_id,
    product_category,
    quantity,
    delivered_quantity,
    unit_price,
    unit_cost,
    fx_rate,
    has_rate,
    cast(coalesce(revenue_local * fx_rate, 0) as decimal(38,12)) as revenue_eur,
    cast(
        case when unit_cost is not null then coalesce(cost_local * fx_rate, 0) end
    as decimal(38,12)) as cost_eur
from lines
