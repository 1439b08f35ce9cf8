-- One row per customer: regularity of purchases over its observed months of W
-- (int_customer_monthly_revenue, zero-filled). demand_cv = population standard
-- deviation / mean of the monthly revenues when at least one month is observed
-- and the mean is > 0; xyz_class needs xyz_min_months observed months and
-- revenue_12m > 0.
--
-- With n months, s1 = sum(x) and s2 = sum(x^2): cv = sqrt(n*s2 - s1^2) / s1.
-- n*s2 - s1^2 is computed exactly in decimals (monthly revenue to 6 decimals,
-- so squares cannot overflow), and the class compares it exactly:
-- cv <= t  <=>  n*s2 - s1^2 <= t^2 * s1^2. So boundary cases (equal amounts in
-- 8 of 10 months: cv exactly 0.5; in 6 of 12: exactly 1.0) classify as the
-- rule says instead of by floating-point noise. demand_cv itself is double.

with monthly as (

    select
        customer_id,
        revenue_eur,
        cast(revenue_eur as decimal(38, 6)) as x
    from {{ ref('int_customer_monthly_revenue') }}

),

per_customer as (

    select
        customer_id,
        count(*) as months_observed,
        sum(case when revenue_eur > 0 then 1 else 0 end) as active_months,
        sum(x) as s1,
        count(*) * sum(x * x) - sum(x) * sum(x) as n2_variance
    from monthly
    group by customer_id

),

with_cv as (

    select
        customers.customer_id,
        coalesce(per_customer.months_observed, 0) as months_observed,
        coalesce(per_customer.active_months, 0) as active_months,
        per_customer.s1,
        per_customer.n2_variance,
        case
            when per_customer.months_observed >= 1 and per_customer.s1 > 0
                then
                    sqrt(cast(per_customer.n2_variance as {{ type_double() }}))
                    / cast(per_customer.s1 as {{ type_double() }})
        end as demand_cv
    from {{ ref('int_customers') }} as customers
    left join per_customer
        on per_customer.customer_id = customers.customer_id

)

select
    with_cv.customer_id,
    cast(with_cv.months_observed as integer) as months_observed,
    cast(with_cv.active_months as integer) as active_months,
    case
        when with_cv.months_observed > 0
            then
                cast(with_cv.active_months as {{ type_double() }})
                / cast(with_cv.months_observed as {{ type_double() }})
    end as purchase_frequency,
    with_cv.demand_cv,
    case
        when with_cv.months_observed < {{ var('xyz_min_months') }} or revenue.revenue_12m <= 0 then null
        when with_cv.demand_cv is null then null
        when
            with_cv.n2_variance <= {{ var('xyz_x_max_cv') }} * {{ var('xyz_x_max_cv') }} * with_cv.s1 * with_cv.s1
            then 'X'
        when
            with_cv.n2_variance <= {{ var('xyz_y_max_cv') }} * {{ var('xyz_y_max_cv') }} * with_cv.s1 * with_cv.s1
            then 'Y'
        else 'Z'
    end as xyz_class
from with_cv
inner join {{ ref('int_customer_revenue') }} as revenue
    on revenue.customer_id = with_cv.customer_id
