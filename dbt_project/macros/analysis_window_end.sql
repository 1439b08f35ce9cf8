{#- Last day of the analysis window W: the day before the month of D starts
    (D = 2026-11-21 gives 2026-10-31). `months_back` shifts it by whole windows. -#}
{% macro analysis_window_end(months_back=0) -%}
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', -(var('analysis_months') | int) * months_back, month_start(as_of_date()))) }} as date)
{%- endmacro %}
