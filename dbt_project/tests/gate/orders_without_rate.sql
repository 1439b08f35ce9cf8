{#- Warning (outputs.md): orders dated <= D in a currency other than var reporting_currency
    with no exchange rate dated on or before the order date; they add zero revenue. One row
    per order; `message` counts them per currency. -#}
{{ config(severity='warn', meta={
    'gate_check': 'orders_without_rate', 'blocking': false, 'threshold': 0,
    'rule': 'every order dated <= D has an exchange rate to ' ~ var('reporting_currency') ~ ' (orders without one add zero revenue)',
    'action': 'load the missing rates into the ERP fx_rates (rate_date on or before the order date) and rerun the date'}) }}

with unrated as (

    select
        currency,
        order_id,
        customer_id,
        order_date
    from {{ ref('int_orders') }}
    where not has_rate and order_date <= {{ as_of_date() }}

),

totals as (

    select
        count(*) as orders,
        count(distinct customer_id) as customers
    from unrated

),

by_currency as (

    select
        {{ dbt.listagg(dbt.concat(['currency', "' '", 'cast(orders as ' ~ dbt.type_string() ~ ')']), "', '",
                       'order by ' ~ key_order('currency')) }} as currencies
    from (
        select
            currency,
            count(*) as orders
        from unrated
        group by currency
    ) as currency_orders

)

select
    unrated.*,
    totals.orders as observed,
    0 as threshold,
    totals.customers,
    {{ dbt.concat([
        'cast(totals.orders as ' ~ dbt.type_string() ~ ')',
        "' orders without an exchange rate to " ~ var('reporting_currency') ~ " ('",
        'by_currency.currencies', "'): they add zero revenue'"]) }} as message
from unrated
cross join totals
cross join by_currency
