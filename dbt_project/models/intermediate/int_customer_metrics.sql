-- One row per customer: CRM profile, time frame, revenue and margin, ABC, XYZ
-- and lapse metrics together (the customer_segments columns of these rules).
-- Amounts stay exact (unrounded decimals); marts round them to cents.

select
    customers.customer_id,
    customers.customer_name,
    customers.account_manager,
    customers.industry,
    customers.region,
    customers.country,
    customers.annual_budget,
    customers.has_account,
    customers.is_deleted,
    customers.kam_designated,
    customers.is_image_maker,
    customers.is_expert,
    {{ as_of_date() }} as as_of_date,
    {{ analysis_window_start() }} as window_start,
    {{ analysis_window_end() }} as window_end,
    revenue.revenue_12m,
    revenue.revenue_prev_12m,
    revenue.gross_margin_12m,
    revenue.margin_coverage,
    revenue.is_loss_making,
    abc.revenue_share,
    abc.revenue_cum_share,
    abc.abc_revenue,
    abc.margin_share,
    abc.margin_cum_share,
    abc.abc_margin,
    xyz.months_observed,
    xyz.active_months,
    xyz.purchase_frequency,
    xyz.demand_cv,
    xyz.xyz_class,
    case
        when abc.abc_revenue is not null and xyz.xyz_class is not null
            then abc.abc_revenue || xyz.xyz_class
    end as abc_xyz,
    lapse.first_order_date,
    lapse.last_order_date,
    lapse.days_since_last_order,
    lapse.typical_interval_days,
    lapse.at_risk_after_days,
    lapse.lapsed_after_days,
    lapse.expected_next_order_date,
    lapse.lapse_status
from {{ ref('int_customers') }} as customers
inner join {{ ref('int_customer_revenue') }} as revenue
    on revenue.customer_id = customers.customer_id
inner join {{ ref('int_customer_abc') }} as abc
    on abc.customer_id = customers.customer_id
inner join {{ ref('int_customer_xyz') }} as xyz
    on xyz.customer_id = customers.customer_id
inner join {{ ref('int_customer_lapse') }} as lapse
    on lapse.customer_id = customers.customer_id
