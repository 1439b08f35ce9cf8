{#- customer_segments holds one row per customer (outputs.md, gate item 2): ids unique and not
    null, and exactly the customers of metrics.md "Customers" as staging holds them for D
    (accounts not deleted, plus every customer_id with an order dated <= D). One row per
    problem; `observed` counts the rows in excess, without id, missing or not a customer. -#}
{{ config(severity='error', meta={
    'gate_check': 'one_row_per_customer', 'blocking': true, 'threshold': 0,
    'rule': 'customer_segments holds one row per customer: the accounts not deleted and the customers with an order dated <= D',
    'action': 'fix the customer grain in the dbt models (int_customers / customer_segments), rebuild and rerun the date'}) }}

with segments as (

    select customer_id from {{ ref('customer_segments') }}

),

population as (

    select account_id as customer_id from {{ ref('stg_crm__accounts') }}
    where not is_deleted
    union
    select customer_id from {{ ref('stg_erp__orders') }}
    where order_date <= {{ as_of_date() }}

),

problems as (

    select
        'duplicate' as problem,
        customer_id,
        count(*) - 1 as problem_rows
    from segments
    where customer_id is not null
    group by customer_id
    having count(*) > 1

    union all

    select
        'no customer_id' as problem,
        null as customer_id,
        count(*) as problem_rows
    from segments
    where customer_id is null
    having count(*) > 0

    union all

    select
        'missing' as problem,
        population.customer_id,
        1 as problem_rows
    from population
    where
        not exists (
            select 1 from segments
            where segments.customer_id = population.customer_id
        )

    union all

    select
        'not a customer' as problem,
        listed.customer_id,
        1 as problem_rows
    from (
        select distinct customer_id from segments
        where customer_id is not null
    ) as listed
    where not exists (
        select 1 from population
        where population.customer_id = listed.customer_id
    )

)

select
    problem,
    customer_id,
    problem_rows,
    cast(sum(problem_rows) over () as bigint) as observed,
    0 as threshold
from problems
