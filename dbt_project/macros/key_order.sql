{#- A key in binary (code-point) order, as sources.md requires for ordering keys:
    `collate "C"` on PostgreSQL; DuckDB compares strings by code point already. -#}
{% macro key_order(column) -%}
    {{ return(adapter.dispatch('key_order')(column)) }}
{%- endmacro %}

{% macro default__key_order(column) -%}
    {{ column }}
{%- endmacro %}

{% macro postgres__key_order(column) -%}
    {{ column }} collate "C"
{%- endmacro %}
