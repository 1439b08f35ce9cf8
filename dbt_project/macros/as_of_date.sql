{#- D, the as-of date, as a SQL date literal (var `as_of_date`; default yesterday). -#}
{% macro as_of_date() -%}
    {%- set d = var('as_of_date') -%}
    {%- if d -%} cast('{{ d }}' as date)
    {%- else -%} cast({{ dbt.dateadd('day', -1, 'current_date') }} as date)
    {%- endif -%}
{%- endmacro %}
