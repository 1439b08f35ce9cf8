{#- Service failure events of every customer as of D (metrics.md "Service failures"), one
    row per event: the late and incomplete deliveries of int_order_failure_events that count
    by D (`counts_from <= D`: the order is dated <= D and the event has happened by D), and
    the CRM cases (complaints) opened by D of the customers of D. `order_id` / `case_id` name
    the source of the event. A view: the three models that read it filter the compact events
    table, and nothing is written per night. -#}
{{ config(materialized='view') }}
{%- set d = as_of_date() -%}

with order_events as (

    select
        customer_id,
        order_id,
        cast(null as {{ dbt.type_string() }}) as case_id,
        event_date,
        failure_category,
        failure_area
    from {{ ref('int_order_failure_events') }}
    where counts_from <= {{ d }}

),

customers as (

    select customer_id from {{ ref('int_customers') }}

),

complaints as (

    -- a case belongs to cases.account_id; cases of an id without a customer row are left out
    select
        cases.account_id as customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cases.case_id,
        cast(cases.opened_at as date) as event_date,
        {{ dbt.concat(["'complaint_'", 'cases.category']) }} as failure_category,
        cases.category as failure_area
    from {{ ref('stg_crm__cases') }} as cases
    inner join customers
        on customers.customer_id = cases.account_id
    where cast(cases.opened_at as date) <= {{ d }}

),

events as (

    select * from order_events
    union all
    select * from complaints

)

select
    customer_id,
    {{ dbt.concat(['failure_category', "':'", 'coalesce(order_id, case_id)']) }} as event_id,
    event_date,
    failure_category,
    failure_area,
    order_id,
    case_id
from events
