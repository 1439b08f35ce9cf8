{#- An amount rounded to cents, half away from zero, as decimal(18,2).
    Exact on decimals (no floating point), the same on DuckDB and PostgreSQL:
    cents({{ 'x' }}) of 2.345 is 2.35 and of -2.345 is -2.35. -#}
{% macro cents(amount) -%}
    cast(
        case when ({{ amount }}) < 0
             then -floor(-({{ amount }}) * 100 + 0.5)
             else floor(({{ amount }}) * 100 + 0.5)
        end * 0.01
    as decimal(18,2))
{%- endmacro %}
