{#- The account-manager workload (metrics.md "Account-manager workload"): one
    row per account manager with at least one customer, null as 'unassigned'. -#}

with customers as (

    select
        coalesce(metrics.account_manager, 'unassigned') as account_manager,
        metrics.revenue_12m,
        metrics.lapse_status,
        key_accounts.is_key_account,
        key_accounts.key_account_review
    from {{ ref('int_customer_metrics') }} as metrics
    inner join {{ ref('int_customer_key_accounts') }} as key_accounts
        on key_accounts.customer_id = metrics.customer_id

),

workload as (

    select
        account_manager,
        count(*) as customers,
        sum(case when is_key_account then 1 else 0 end) as key_accounts,
        sum(case when is_key_account then revenue_12m else 0 end) as key_account_revenue_12m,
        sum(case when is_key_account and lapse_status = 'at_risk' then 1 else 0 end) as key_accounts_at_risk,
        sum(case when is_key_account and lapse_status = 'lapsed' then 1 else 0 end) as key_accounts_lapsed,
        sum(case when key_account_review = 'downgrade_candidate' then 1 else 0 end) as downgrade_candidates,
        sum(case when key_account_review = 'upgrade_candidate' then 1 else 0 end) as upgrade_candidates,
        sum(case when key_account_review = 'lost_key_account' then 1 else 0 end) as lost_key_accounts
    from customers
    group by account_manager

)

select
    account_manager,
    cast(customers as integer) as customers,
    cast(key_accounts as integer) as key_accounts,
    {{ cents('key_account_revenue_12m') }} as key_account_revenue_12m,
    cast(key_accounts_at_risk as integer) as key_accounts_at_risk,
    cast(key_accounts_lapsed as integer) as key_accounts_lapsed,
    cast(downgrade_candidates as integer) as downgrade_candidates,
    cast(upgrade_candidates as integer) as upgrade_candidates,
    cast(lost_key_accounts as integer) as lost_key_accounts,
    key_accounts > {{ var('kam_max_key_accounts') }} as is_overloaded
from workload
