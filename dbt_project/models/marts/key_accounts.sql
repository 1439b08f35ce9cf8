{#- The key-account subset of customer_segments with type, review flag, score
    and its three parts, plus context for the account manager. -#}

with segments as (

    select * from {{ ref('customer_segments') }}
    where is_key_account

),

key_accounts as (

    select * from {{ ref('int_customer_key_accounts') }}

)

select
    segments.customer_id,
    segments.customer_name,
    segments.account_manager,
    segments.key_account_type,
    segments.key_account_review,
    segments.key_account_score,
    key_accounts.potential,
    key_accounts.relationship,
    key_accounts.attractiveness,
    key_accounts.satisfaction,
    segments.as_of_date,
    segments.kam_designated,
    segments.is_breadwinner,
    segments.is_prospect,
    segments.is_image_maker,
    segments.is_expert,
    segments.three_p_qualified,
    segments.abc_revenue,
    segments.abc_margin,
    segments.xyz_class,
    segments.abc_xyz,
    segments.revenue_12m,
    segments.revenue_prev_12m,
    segments.gross_margin_12m,
    segments.tenure_months,
    segments.last_order_date,
    segments.days_since_last_order,
    segments.lapse_status,
    segments.failures_90d,
    segments.failure_trend,
    segments.otif_rate_90d
from segments
inner join key_accounts on key_accounts.customer_id = segments.customer_id
