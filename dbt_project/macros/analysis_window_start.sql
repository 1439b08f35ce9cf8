{#- First day of the analysis window W: `analysis_months` complete calendar months
    before the month of D (D = 2026-11-21 gives 2025-11-01). `months_back` shifts
    it by further whole windows (1 = the period before W). -#}
{% macro analysis_window_start(months_back=0) -%}
    cast({{ dbt.dateadd('month', -(var('analysis_months') | int) * (1 + months_back), month_start(as_of_date())) }} as date)
{%- endmacro %}
