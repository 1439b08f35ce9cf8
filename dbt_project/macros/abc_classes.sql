{#- The ABC rule of metrics.md as a query, reusable for any value:

      {{ abc_classes('customer_revenue', 'revenue_12m') }}

    `relation` is a ref, table or CTE name holding one row per `key_column`;
    `value_column` is an exact (decimal) amount. Returns one row per row of
    `relation` with columns
      <key_column>, share, cum_share, cum_share_before (double precision), abc_class.
    1. The population is the rows whose value is > 0 (no partition: the whole
       relation); other rows get null shares and a null class.
    2. Order: value descending, then key ascending in binary order (key_order).
    3. share = value / population total; cum_share = running total of share
       including the row; cum_share_before = cum_share - share.
    4. 'A' if cum_share_before < a_share (var abc_a_share), else 'B' if
       < b_share (var abc_b_share), else 'C'.
    Class thresholds are compared on exact running sums (running value before the
    row < a_share x total), never on rounded or floating shares. -#}
{% macro abc_classes(relation, value_column, key_column='customer_id',
                     a_share=var('abc_a_share'), b_share=var('abc_b_share')) -%}
select
    abc_all.{{ key_column }},
    abc_ranked.share,
    abc_ranked.cum_share,
    abc_ranked.cum_share_before,
    abc_ranked.abc_class
from {{ relation }} as abc_all
left join (
    select
        {{ key_column }},
        cast(abc_value as {{ type_double() }}) / cast(abc_total as {{ type_double() }}) as share,
        cast(abc_running as {{ type_double() }}) / cast(abc_total as {{ type_double() }}) as cum_share,
        cast(abc_running - abc_value as {{ type_double() }}) / cast(abc_total as {{ type_double() }}) as cum_share_before,
        case
            when abc_running - abc_value < {{ a_share }} * abc_total then 'A'
            when abc_running - abc_value < {{ b_share }} * abc_total then 'B'
            else 'C'
        end as abc_class
    from (
        select
            {{ key_column }},
            {{ value_column }} as abc_value,
            sum({{ value_column }}) over () as abc_total,
            sum({{ value_column }}) over (
                order by {{ value_column }} desc, {{ key_order(key_column) }}
                rows between unbounded preceding and current row
            ) as abc_running
        from {{ relation }}
        where {{ value_column }} > 0
    ) as abc_population
) as abc_ranked
    on abc_ranked.{{ key_column }} = abc_all.{{ key_column }}
{%- endmacro %}
