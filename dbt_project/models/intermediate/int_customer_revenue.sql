-- One row per customer: revenue and gross margin of its counted orders in the
-- analysis window W (and revenue in the equally long period before W), in the
-- reporting currency, exact decimals. Amounts are 0, not null, without revenue.
-- W is whole months, so the counted amounts per customer and month
-- (int_customer_months) hold all it needs.

with counted_months as (

    select *
    from {{ ref('int_customer_months') }}
    where
        counted_orders > 0
        and month_start between {{ analysis_window_start(1) }} and {{ analysis_window_end() }}

),

totals as (

    select
        customer_id,
        sum(case
            when month_start >= {{ analysis_window_start() }}
                then revenue_eur
            else 0
        end) as revenue_12m,
        sum(case
            when month_start <= {{ analysis_window_end(1) }}
                then revenue_eur
            else 0
        end) as revenue_prev_12m,
        sum(case
            when month_start >= {{ analysis_window_start() }}
                then revenue_with_cost_eur - cost_eur
            else 0
        end) as gross_margin_12m,
        sum(case
            when month_start >= {{ analysis_window_start() }}
                then revenue_with_cost_eur
            else 0
        end) as revenue_with_cost_12m
    from counted_months
    group by customer_id

),

customer_totals as (

    select
        customers.customer_id,
        cast(coalesce(totals.revenue_12m, 0) as decimal(38, 12)) as revenue_12m,
        cast(coalesce(totals.revenue_prev_12m, 0) as decimal(38, 12)) as revenue_prev_12m,
        cast(coalesce(totals.gross_margin_12m, 0) as decimal(38, 12)) as gross_margin_12m,
        cast(coalesce(totals.revenue_with_cost_12m, 0) as decimal(38, 12)) as revenue_with_cost_12m
    from {{ ref('int_customers') }} as customers
    left join totals
        on totals.customer_id = customers.customer_id

)

select
    customer_id,
    revenue_12m,
    revenue_prev_12m,
    gross_margin_12m,
    revenue_with_cost_12m,
    case
        when revenue_12m = 0 then null
        else cast(revenue_with_cost_12m as {{ type_double() }}) / cast(revenue_12m as {{ type_double() }})
    end as margin_coverage,
    gross_margin_12m < 0 as is_loss_making
from customer_totals
