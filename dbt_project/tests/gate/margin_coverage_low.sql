{#- Warning (outputs.md): customers with revenue_12m > 0 whose margin_coverage is below var
    margin_coverage_min; their gross margin misses unknown costs. One row per customer,
    largest revenue first (`revenue_rank`), with the revenue-weighted overall coverage (in
    `message` as a percentage with one decimal). -#}
{{ config(severity='warn', meta={
    'gate_check': 'margin_coverage_low', 'blocking': false,
    'threshold': var('margin_coverage_min'), 'threshold_var': 'margin_coverage_min',
    'rule': 'every customer with revenue_12m > 0 has margin_coverage >= margin_coverage_min',
    'action': 'fill unit_cost on the order lines in the ERP'}) }}

with with_revenue as (

    select
        customer_id,
        revenue_12m,
        margin_coverage
    from {{ ref('customer_segments') }}
    where revenue_12m > 0

),

overall as (

    select sum(revenue_12m * margin_coverage) / sum(revenue_12m) as overall_margin_coverage from with_revenue

),

below as (

    select * from with_revenue
    where margin_coverage < {{ var('margin_coverage_min') }}

)

select
    row_number() over (order by below.revenue_12m desc, below.customer_id asc) as revenue_rank,
    below.customer_id,
    below.revenue_12m,
    below.margin_coverage,
    count(*) over () as observed,
    cast({{ var('margin_coverage_min') }} as {{ type_double() }}) as threshold,
    sum(below.revenue_12m) over () as revenue_12m_below,
    overall.overall_margin_coverage,
    {{ dbt.concat([
        'cast(count(*) over () as ' ~ dbt.type_string() ~ ')',
        "' customers have margin_coverage below " ~ ('%g' | format(var('margin_coverage_min') | float)) ~ " (overall coverage '",
        'cast(cast(cast(overall.overall_margin_coverage as ' ~ type_double() ~ ') * 100 as decimal(10, 1)) as ' ~ dbt.type_string() ~ ')',
        "'%): their gross margin misses unknown costs'"]) }} as message
from below
cross join overall
