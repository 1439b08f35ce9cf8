{#- Everything sales needs about a customer today: one row per customer of
    int_customer_metrics, with the columns of outputs.md in that order. -#}

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

    select abc_xyz, strategy from {{ ref('abc_xyz_strategies') }}

)

select
    metrics.customer_id,
    metrics.customer_name,
    metrics.account_manager,
    metrics.industry,
    metrics.region,
    metrics.is_deleted,
    cast(metrics.as_of_date as date) as as_of_date,
    cast(metrics.window_start as date) as window_start,
    cast(metrics.window_end as date) as window_end,
    {{ cents('metrics.revenue_12m') }} as revenue_12m,
    {{ cents('metrics.revenue_prev_12m') }} as revenue_prev_12m,
    {{ cents('metrics.gross_margin_12m') }} as gross_margin_12m,
    cast(metrics.margin_coverage as double precision) as margin_coverage,
    metrics.is_loss_making,
    cast(metrics.revenue_share as double precision) as revenue_share,
    cast(metrics.revenue_cum_share as double precision) as revenue_cum_share,
    metrics.abc_revenue,
    cast(metrics.margin_share as double precision) as margin_share,
    cast(metrics.margin_cum_share as double precision) as margin_cum_share,
    metrics.abc_margin,
    cast(metrics.months_observed as integer) as months_observed,
    cast(metrics.active_months as integer) as active_months,
    cast(metrics.purchase_frequency as double precision) as purchase_frequency,
    cast(metrics.demand_cv as double precision) as demand_cv,
    metrics.xyz_class,
    metrics.abc_xyz,
    strategies.strategy as abc_xyz_strategy,
    cast(metrics.first_order_date as date) as first_order_date,
    cast(metrics.last_order_date as date) as last_order_date,
    cast(metrics.days_since_last_order as integer) as days_since_last_order,
    cast(metrics.typical_interval_days as double precision) as typical_interval_days,
    cast(metrics.expected_next_order_date as date) as expected_next_order_date,
    metrics.lapse_status,
    cast(coalesce(failures.failures_90d, 0) as integer) as failures_90d,
    cast(coalesce(failures.failures_prev_90d, 0) as integer) as failures_prev_90d,
    coalesce(failures.failure_trend, 'none') as failure_trend,
    failures.top_failure_area_90d,
    cast(failures.otif_rate_90d as double precision) as otif_rate_90d,
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
