-- One row per customer (metrics.md "Customers"): every CRM account that is not
-- deleted, and every customer_id with an order dated <= D (any status). A
-- soft-deleted account with such orders keeps its row (is_deleted true); a
-- customer without an account has null CRM fields. is_deleted is never null.

with accounts as (

    select *
    from {{ ref('stg_crm__accounts') }}

),

customer_ids as (

    select account_id as customer_id
    from accounts
    where not is_deleted

    union

    select customer_id
    from {{ ref('int_customer_order_days') }}
    where order_date <= {{ as_of_date() }}

)

select
    customer_ids.customer_id,
    accounts.account_id is not null as has_account,
    accounts.name as customer_name,
    accounts.account_manager,
    accounts.industry,
    accounts.region,
    accounts.country,
    accounts.employees,
    accounts.annual_budget,
    accounts.kam_designated,
    accounts.is_image_maker,
    accounts.is_expert,
    coalesce(accounts.is_deleted, false) as is_deleted
from customer_ids
left join accounts
    on accounts.account_id = customer_ids.customer_id
