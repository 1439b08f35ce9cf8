{#- Use the configured schema name as is (staging, intermediate, marts, seeds),
    not dbt's default "<target schema>_<custom schema>", followed by var
    `schema_suffix` (default ''; a backfill builds staging_backfill, ..., with
    `_backfill`). The suffix must be lower-case letters, digits and underscores.
    Schemas read by name (raw, raw_history, reporting) are never suffixed. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set suffix = var('schema_suffix', '') or '' -%}
    {%- if suffix and not modules.re.match('^[a-z0-9_]+$', suffix) -%}
        {{ exceptions.raise_compiler_error("var schema_suffix '" ~ suffix ~ "' is not lower-case letters, digits and underscores") }}
    {%- endif -%}
    {{ (custom_schema_name ~ suffix) if custom_schema_name else target.schema }}
{%- endmacro %}
