{#- The night's stamp of an incremental model's rows: the column _dbt_run_started_at, the start
    of the dbt invocation that wrote the row. Every row a build inserts carries it; the data
    tests of that same `dbt build` with `where: "__night_rows__"` test only those rows
    (macro night_rows_condition). Rendered at execution, never at parse time.

      select ..., {{ night_stamp() }} from ... -#}
{% macro night_stamp() -%}
    {{ night_stamp_value() }} as _dbt_run_started_at
{%- endmacro %}

{#- The stamp's value: this invocation's run_started_at (UTC) as a SQL timestamp literal. -#}
{% macro night_stamp_value() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
