{#- D, the as-of date, as a SQL date literal. The pipeline passes D in the environment variable
    KAM_AS_OF_DATE (kam.dbt_env; kam.pipeline.as_of_date is the one rule for D), read only at
    execution: at parse time this macro reads nothing, so dbt records no dependency on D and the
    next night reuses its parse (docs/decisions/0018-dbt-parses-once.md). The var `as_of_date`,
    when set (dbt unit tests: `overrides: vars:`), comes first. A build without D fails instead
    of guessing; so does a D that is not YYYY-MM-DD. -#}
{% macro as_of_date() -%}
    {%- if execute -%}
        {%- set d = as_of_date_text() -%}
    cast('{{ d }}' as date)
    {%- else -%}
    cast(null as date)
    {%- endif -%}
{%- endmacro %}

{#- D as text 'YYYY-MM-DD' (for messages), read like as_of_date(); empty at parse time. -#}
{% macro as_of_date_text() -%}
    {%- if not execute -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set d = var('as_of_date', none) or env_var('KAM_AS_OF_DATE', '') -%}
    {%- if not d -%}
        {{ exceptions.raise_compiler_error("the as-of date D is not set: the pipeline passes it in the environment variable KAM_AS_OF_DATE=YYYY-MM-DD (kam.dbt_env.run_dbt(..., as_of=D)); a dbt unit test sets var as_of_date") }}
    {%- endif -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', d | string) -%}
        {{ exceptions.raise_compiler_error("the as-of date D '" ~ d ~ "' is not a date YYYY-MM-DD (KAM_AS_OF_DATE or var as_of_date)") }}
    {%- endif -%}
    {%- do return(d | string) -%}
{%- endmacro %}
