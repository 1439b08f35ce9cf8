{#- Class A holds at least var abc_a_share of the revenue (outputs.md, gate item 2): the sum
    of the A customers' revenue_share, within 1e-9. Not applicable (passes, observed null)
    when no customer has a share: revenue_shares_sum_to_one fails then. Always one row,
    the measurement; `fail_calc` counts it only when `passed` is false. -#}
{{ config(severity='error', fail_calc='count(case when not passed then 1 end)', meta={
    'gate_check': 'class_a_share', 'blocking': true,
    'threshold': var('abc_a_share'), 'threshold_var': 'abc_a_share',
    'rule': 'class A holds at least abc_a_share of the revenue',
    'action': 'fix the ABC classes in int_customer_abc (A while cum_share_before < abc_a_share), rebuild and rerun the date'}) }}

with shares as (

    select
        sum(case when abc_revenue = 'A' then revenue_share else 0 end) as a_share,
        count(case when abc_revenue = 'A' then 1 end) as class_a_customers,
        count(revenue_share) as customers_with_share
    from {{ ref('customer_segments') }}

)

select
    case when customers_with_share > 0 then cast(coalesce(a_share, 0) as {{ type_double() }}) end as observed,
    cast({{ var('abc_a_share') }} as {{ type_double() }}) as threshold,
    class_a_customers,
    customers_with_share,
    customers_with_share = 0 or coalesce(a_share, 0) >= {{ var('abc_a_share') }} - 0.000000001 as passed
from shares
