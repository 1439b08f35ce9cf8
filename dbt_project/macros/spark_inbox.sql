{#- on-run-start on Spark (a no-op on other targets): the night's landed tables, written as Parquet
    by the Python side into KAM_SPARK_INBOX/<schema>/<table>/, become the tables `<schema>.<table>`
    dbt reads (sources raw, raw_history, published). For each `schema.table` of KAM_SPARK_INBOX_TABLES
    (comma-separated): create the schema if missing, then drop and create the external Parquet table
    over its folder (dropping an external table never deletes its files). A published table no
    longer in the list (reporting before the first publication) is dropped, so published_relation
    sees none. Metadata only, idempotent; returns no SQL. -#}
{% macro spark_inbox_register() -%}
    {%- if execute and target.type == 'spark' -%}
        {%- set inbox = env_var('KAM_SPARK_INBOX', '') -%}
        {%- set listed = env_var('KAM_SPARK_INBOX_TABLES', '').split(',') | map('trim') | reject('equalto', '') | list -%}
        {%- if listed and not inbox -%}
            {{ exceptions.raise_compiler_error("KAM_SPARK_INBOX_TABLES is set but KAM_SPARK_INBOX, the folder of their Parquet files, is not") }}
        {%- endif -%}
        {%- set schemas = [] -%}
        {%- for name in listed -%}
            {%- if not modules.re.match('^[a-z0-9_]+\.[a-z0-9_]+$', name) -%}
                {{ exceptions.raise_compiler_error("KAM_SPARK_INBOX_TABLES: '" ~ name ~ "' is not schema.table (lower-case letters, digits, underscores)") }}
            {%- endif -%}
            {%- set schema, table = name.split('.') -%}
            {%- if schema not in schemas -%}
                {%- do run_query('create database if not exists ' ~ schema) -%}
                {%- do schemas.append(schema) -%}
            {%- endif -%}
            {%- do run_query('drop table if exists ' ~ name) -%}
            {%- do run_query('create table ' ~ name ~ " using parquet location '" ~ inbox.rstrip('/') ~ '/' ~ schema ~ '/' ~ table ~ "'") -%}
        {%- endfor -%}
        {%- set published = var('published_schema') -%}
        {%- if run_query("show databases like '" ~ published ~ "'") | length > 0 -%}
            {%- for row in run_query('show tables in ' ~ published) -%}
                {%- if (published ~ '.' ~ row['tableName']) not in listed and not row['isTemporary'] -%}
                    {%- do run_query('drop table if exists ' ~ published ~ '.' ~ row['tableName']) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
