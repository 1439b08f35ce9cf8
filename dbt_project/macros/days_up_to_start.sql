{#- First day of "the `days` days up to `end_date`", the inclusive range
    [end_date - (days - 1), end_date] of metrics.md §Time frame, as a date:
    days_up_to_start(90, as_of_date()) is D-89. `days` is the number the spec names
    (730, 365, 180, 90), so the SQL reads like the rule. -#}
{% macro days_up_to_start(days, end_date) -%}
    cast({{ dbt.dateadd('day', -((days | int) - 1), end_date) }} as date)
{%- endmacro %}
