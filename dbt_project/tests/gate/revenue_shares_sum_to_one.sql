{#- The revenue shares of the ABC population add up to 1 (outputs.md, gate item 2), within
    1e-6 (shares are doubles of unrounded amounts); no customer with a share fails too (no
    revenue in the window at all). Always one row, the measurement; `fail_calc` counts it
    only when `passed` is false, so a passing night keeps its observed sum. -#}
{{ config(severity='error', fail_calc='count(case when not passed then 1 end)', meta={
    'gate_check': 'revenue_shares_sum_to_one', 'blocking': true, 'threshold': 1.0,
    'rule': 'the revenue shares of the customers with revenue_12m > 0 sum to 1 (within 1e-6)',
    'action': 'fix revenue_share in int_customer_abc (value / total of the population), rebuild and rerun the date; with no share at all, check that orders were extracted and the as-of date is right'}) }}

with shares as (

    select
        sum(revenue_share) as share_sum,
        count(revenue_share) as customers_with_share
    from {{ ref('customer_segments') }}

)

select
    cast(coalesce(share_sum, 0) as {{ type_double() }}) as observed,
    1.0 as threshold,
    customers_with_share,
    customers_with_share > 0 and abs(share_sum - 1) <= 0.000001 as passed
from shares
