{#- abc_revenue is present exactly when revenue_12m > 0 (outputs.md, gate item 2; metrics.md
    "ABC classification"). One row per customer breaking it. -#}
{{ config(severity='error', meta={
    'gate_check': 'abc_revenue_iff_revenue', 'blocking': true, 'threshold': 0,
    'rule': 'abc_revenue is set exactly for the customers with revenue_12m > 0',
    'action': 'fix the ABC population in int_customer_abc (only customers with revenue_12m > 0), rebuild and rerun the date'}) }}

select
    customer_id,
    case when abc_revenue is null then 'revenue without class' else 'class without revenue' end as problem,
    revenue_12m,
    abc_revenue,
    count(*) over () as observed,
    0 as threshold
from {{ ref('customer_segments') }}
where (coalesce(revenue_12m, 0) > 0) <> (abc_revenue is not null)
