{#- D, the as-of date, as a SQL date literal: the var `as_of_date`, always passed by the pipeline
    (kam.pipeline.as_of_date is the one rule for D). A build without it fails instead of guessing. -#}
{% macro as_of_date() -%}
    {%- set d = var('as_of_date') -%}
    {%- if execute and not d -%}
        {{ exceptions.raise_compiler_error("dbt var as_of_date is not set: pass --vars '{as_of_date: YYYY-MM-DD}'") }}
    {%- endif -%}
    cast('{{ d }}' as date)
{%- endmacro %}
