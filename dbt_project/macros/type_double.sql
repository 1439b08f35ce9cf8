{#- The SQL type of a double precision (64-bit) float: `double precision` on DuckDB and
    PostgreSQL, `double` on Spark (which does not parse `double precision`).

      cast(x as {{ type_double() }}) -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
