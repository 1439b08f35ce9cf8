-- One row per order dated <= D (orders without lines included), with its
-- line totals in the reporting currency and the flags the rules need.

with orders as (

    select *
    from {{ ref('stg_erp__orders') }}
    where order_date <= {{ as_of_date() }}

),

line_totals as (

    -- the sums of the order's lines (int_order_totals holds orders with lines only)
    select * from {{ ref('int_order_totals') }}

),

rated_currencies as (

    select
        currency,
        min(rate_date) as first_rate_date
    from {{ ref('stg_erp__fx_rates') }}
    group by currency

),

accounts as (

    select account_id
    from {{ ref('stg_crm__accounts') }}

)

select
    orders.order_id,
    orders.customer_id,
    orders.order_date,
    orders.promised_date,
    case when orders.delivered_date <= {{ as_of_date() }} then orders.delivered_date end as delivered_date,
    orders.status,
    orders.currency,
    orders.status not in ('cancelled', 'returned') as is_counted,
    orders.status <> 'cancelled' as is_purchase,
    coalesce(
        orders.currency = '{{ var("reporting_currency") }}'
        or rated_currencies.first_rate_date <= orders.order_date,
        false
    ) as has_rate,
    accounts.account_id is not null as has_account,
    cast(coalesce(line_totals.revenue_eur, 0) as decimal(38, 12)) as revenue_eur,
    cast(coalesce(line_totals.cost_eur, 0) as decimal(38, 12)) as cost_eur,
    cast(coalesce(line_totals.revenue_with_cost_eur, 0) as decimal(38, 12)) as revenue_with_cost_eur,
    cast(coalesce(line_totals.ordered_quantity, 0) as decimal(38, 6)) as ordered_quantity,
    cast(coalesce(line_totals.delivered_quantity, 0) as decimal(38, 6)) as delivered_quantity,
    cast(coalesce(line_totals.line_count, 0) as integer) as line_count
from orders
left join line_totals
    on line_totals.order_id = orders.order_id
left join rated_currencies
    on rated_currencies.currency = orders.currency
left join accounts
    on accounts.account_id = orders.customer_id
