{#- Everything sales needs about a customer today: one row per customer of
    int_customer_metrics, with the columns of outputs.md in that order. The column
    types are pinned by the model's contract (customer_segments.yml). -#}

with metrics as (

    select * from {{ ref('int_customer_metrics') }}

),

failures as (

    select * from {{ ref('int_customer_failures') }}

),

key_accounts as (

    select * from {{ ref('int_customer_key_accounts') }}

),

strategies as (

    select
        abc_xyz,
        strategy
    from {{ ref('abc_xyz_strategies') }}

)

select
    metrics.customer_id,
    metrics.customer_name,
    metrics.account_manager,
    metrics.industry,
    metrics.region,
    metrics.is_deleted,
    metrics.as_of_date,
    metrics.window_start,
    metrics.window_end,
    {{ cents('metrics.revenue_12m') }} as revenue_12m,
    {{ cents('metrics.revenue_prev_12m') }} as revenue_prev_12m,
    {{ cents('metrics.gross_margin_12m') }} as gross_margin_12m,
    metrics.margin_coverage,
    metrics.is_loss_making,
    metrics.revenue_share,
    metrics.revenue_cum_share,
    metrics.abc_revenue,
    metrics.margin_share,
    metrics.margin_cum_share,
    metrics.abc_margin,
    metrics.months_observed,
    metrics.active_months,
    metrics.purchase_frequency,
    metrics.demand_cv,
    metrics.xyz_class,
    metrics.abc_xyz,
    strategies.strategy as abc_xyz_strategy,
    metrics.first_order_date,
    metrics.last_order_date,
    metrics.days_since_last_order,
    metrics.typical_interval_days,
    metrics.expected_next_order_date,
    metrics.lapse_status,
    coalesce(failures.failures_90d, 0) as failures_90d,
    coalesce(failures.failures_prev_90d, 0) as failures_prev_90d,
    coalesce(failures.failure_trend, 'none') as failure_trend,
    failures.top_failure_area_90d,
    failures.otif_rate_90d,
    key_accounts.tenure_months,
    key_accounts.three_p_qualified,
    metrics.kam_designated,
    key_accounts.is_breadwinner,
    key_accounts.is_prospect,
    metrics.is_image_maker,
    metrics.is_expert,
    key_accounts.is_key_account,
    key_accounts.key_account_type,
    key_accounts.key_account_review,
    key_accounts.key_account_score
from metrics
left join failures on failures.customer_id = metrics.customer_id
left join key_accounts on key_accounts.customer_id = metrics.customer_id
left join strategies on strategies.abc_xyz = metrics.abc_xyz
