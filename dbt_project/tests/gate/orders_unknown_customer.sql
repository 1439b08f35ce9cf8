{#- Warning (outputs.md): orders dated <= D whose customer_id is no CRM account (a deleted
    account is known). They stay in the model with null CRM fields. One row per order; `message`
    names up to 10 of the customers, in binary order. -#}
{{ config(severity='warn', meta={
    'gate_check': 'orders_unknown_customer', 'blocking': false, 'threshold': 0,
    'rule': 'every order dated <= D has a CRM account',
    'action': 'create the accounts in the CRM (their rows carry null CRM fields until then)'}) }}

with unknown as (

    select
        orders.customer_id,
        orders.order_id
    from {{ ref('int_orders') }} as orders
    where
        orders.order_date <= {{ as_of_date() }}
        and not exists (
            select 1 from {{ ref('stg_crm__accounts') }} as crm_accounts
            where crm_accounts.account_id = orders.customer_id
        )

),

totals as (

    select
        count(*) as orders,
        count(distinct customer_id) as customers
    from unknown

),

customers_sample as (

    select {{ dbt.listagg('customer_id', "', '", 'order by ' ~ key_order('customer_id'), 10) }} as customer_ids
    from (select distinct customer_id from unknown) as unknown_customers

)

select
    unknown.customer_id,
    unknown.order_id,
    totals.orders as observed,
    0 as threshold,
    totals.customers,
    {{ dbt.concat([
        'cast(totals.orders as ' ~ dbt.type_string() ~ ')', "' orders of '",
        'cast(totals.customers as ' ~ dbt.type_string() ~ ')', "' customers without a CRM account (e.g. '",
        'customers_sample.customer_ids', "')'"]) }} as message
from unknown
cross join totals
cross join customers_sample
