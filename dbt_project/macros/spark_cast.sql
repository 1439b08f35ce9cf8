{#- dbt's cast on Spark, for the type names the YAML uses (the portable ones of DuckDB and
    PostgreSQL): `varchar` and `text` are Spark's `string`, `double precision` its `double`;
    any other name (date, boolean, integer, bigint, decimal(p,s), timestamp) is Spark's too.
    dbt checks an enforced contract by casting null to each column's data_type
    (get_empty_schema_sql) and comparing the types Spark reports, so the marts' YAML stays
    one file for every engine. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type_name(type) }})
{%- endmacro %}

{#- A portable type name as Spark spells it (see spark__cast). -#}
{% macro spark_type_name(type) -%}
    {%- set spark_names = {'varchar': 'string', 'text': 'string', 'double precision': 'double'} -%}
    {{ spark_names.get(type | trim | lower, type) }}
{%- endmacro %}

{#- dbt's safe_cast on Spark (unit-test fixtures) with the same type names; otherwise as dbt-spark's. -#}
{% macro spark__safe_cast(field, type) -%}
    {%- set field_clean = field.strip('"').strip("'") if (cast_from_string_unsupported_for(type) and field is string) else field -%}
    cast({{ field_clean }} as {{ spark_type_name(type) }})
{%- endmacro %}
