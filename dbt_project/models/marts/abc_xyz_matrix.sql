{#- The ABC-XYZ matrix: always ten rows, the nine cells AX .. CZ and
    'unclassified' (customers whose abc_xyz is null), with the recommended
    strategy from the seed abc_xyz_strategies. -#}

with cells as (

        {%- for abc in ['A', 'B', 'C'] %}{% for xyz in ['X', 'Y', 'Z'] %}
        select '{{ abc ~ xyz }}' as abc_xyz
        union all
    {%- endfor %}{% endfor %}
    select 'unclassified' as abc_xyz

),

customers as (

    select
        coalesce(abc_xyz, 'unclassified') as abc_xyz,
        revenue_12m
    from {{ ref('int_customer_metrics') }}

),

per_cell as (

    select
        abc_xyz,
        count(*) as customers,
        sum(revenue_12m) as revenue_12m
    from customers
    group by abc_xyz

),

total as (

    select sum(revenue_12m) as revenue_12m from customers

)

select
    cells.abc_xyz,
    cast(coalesce(per_cell.customers, 0) as integer) as customers,
    {{ cents('coalesce(per_cell.revenue_12m, 0)') }} as revenue_12m,
    cast(case
        when total.revenue_12m <> 0 then coalesce(per_cell.revenue_12m, 0) / total.revenue_12m
    end as {{ type_double() }}) as revenue_share,
    strategies.strategy
from cells
cross join total
left join per_cell on per_cell.abc_xyz = cells.abc_xyz
left join {{ ref('abc_xyz_strategies') }} as strategies on strategies.abc_xyz = cells.abc_xyz
