{#- How an incremental model replaces the rows of the keys it recomputes, per engine.

    DuckDB and PostgreSQL: delete+insert by `key` (the model's unique_key). A recomputed key
    left without rows gets one placeholder row whose `placeholder_column` is null (macro
    customers_left_without_orders, or a left join), so that delete+insert removes its old
    rows; the post-hook deletes the placeholders.

    Spark (Parquet tables: no delete, no merge): insert_overwrite of partitions. Every row
    carries `_key_bucket`, a hash bucket of its key (macro key_bucket, var spark_key_buckets
    buckets; changing it needs a full refresh), and the incremental query recomputes every key
    of the buckets it touches (macro recompute_filter), so overwriting those partitions replaces
    all their rows. The placeholders are written too, so a touched bucket is never left out
    of the overwrite, and the post-hook (macro delete_placeholder_rows) removes them by
    rewriting or dropping the partitions that hold them.

      {{ config(**incremental_by_key('customer_id', placeholder_column='month_start')) }} -#}
{% macro incremental_by_key(key, placeholder_column=none) -%}
    {{ return(adapter.dispatch('incremental_by_key')(key, placeholder_column)) }}
{%- endmacro %}

{% macro default__incremental_by_key(key, placeholder_column) -%}
    {{ return(incremental_settings({'unique_key': key, 'incremental_strategy': 'delete+insert'}, placeholder_column)) }}
{%- endmacro %}

{% macro spark__incremental_by_key(key, placeholder_column) -%}
    {{ return(incremental_settings({'incremental_strategy': 'insert_overwrite', 'file_format': 'parquet',
                                    'partition_by': ['_key_bucket']}, placeholder_column)) }}
{%- endmacro %}

{#- The config every engine's incremental model shares, with the engine's `strategy` and the
    post-hook that removes the placeholders (when the model has a `placeholder_column`). -#}
{% macro incremental_settings(strategy, placeholder_column) -%}
    {%- set settings = {'materialized': 'incremental', 'on_schema_change': 'sync_all_columns'} -%}
    {%- do settings.update(strategy) -%}
    {%- if placeholder_column -%}
        {%- do settings.update({'post_hook': "{{ delete_placeholder_rows(this, '" ~ placeholder_column ~ "') }}"}) -%}
    {%- endif -%}
    {{ return(settings) }}
{%- endmacro %}


{#- The condition keeping the rows an incremental run recomputes: those whose `key` is in the
    CTE `keys_cte` (column `key`); on Spark every row of the buckets of those keys. -#}
{% macro recompute_filter(key, keys_cte) -%}
    {{ return(adapter.dispatch('recompute_filter')(key, keys_cte)) }}
{%- endmacro %}

{% macro default__recompute_filter(key, keys_cte) -%}
    {{ key }} in (select {{ keys_cte }}.{{ key }} from {{ keys_cte }})
{%- endmacro %}

{% macro spark__recompute_filter(key, keys_cte) -%}
    {{ key_bucket(key) }} in (select {{ key_bucket(keys_cte ~ '.' ~ key) }} from {{ keys_cte }})
{%- endmacro %}


{#- The last select column of an incremental model: on Spark its partition column
    `, <bucket of key> as _key_bucket`; nothing elsewhere. No mart selects it (their contracts
    list every column). -#}
{% macro key_bucket_column(key) -%}
    {{ return(adapter.dispatch('key_bucket_column')(key)) }}
{%- endmacro %}

{% macro default__key_bucket_column(key) -%}
{%- endmacro %}

{% macro spark__key_bucket_column(key) -%}
    , {{ key_bucket(key) }} as _key_bucket
{%- endmacro %}


{#- The hash bucket 0 .. spark_key_buckets - 1 of a key (Spark). -#}
{% macro key_bucket(key) -%}
    cast(pmod(xxhash64({{ key }}), {{ var('spark_key_buckets') | int }}) as int)
{%- endmacro %}


{#- The post-hook removing the placeholder rows (`column` null) of an incremental model. -#}
{% macro delete_placeholder_rows(relation, column) -%}
    {{ return(adapter.dispatch('delete_placeholder_rows')(relation, column)) }}
{%- endmacro %}

{% macro default__delete_placeholder_rows(relation, column) -%}
    delete from {{ relation }} where {{ column }} is null
{%- endmacro %}

{#- Spark: a partition holding only placeholders is dropped (its keys have no rows left); one
    holding others too is rewritten without them. Runs its statements itself; returns no SQL. -#}
{% macro spark__delete_placeholder_rows(relation, column) -%}
    {%- if execute -%}
        {%- set buckets = run_query(
            'select _key_bucket, min(case when ' ~ column ~ ' is null then 1 else 0 end) as only_placeholders'
            ~ ' from ' ~ relation ~ ' where _key_bucket in (select _key_bucket from ' ~ relation
            ~ ' where ' ~ column ~ ' is null) group by _key_bucket') -%}
        {%- set mixed = [] -%}
        {%- for bucket in buckets -%}
            {%- if bucket['only_placeholders'] == 1 -%}
                {%- do run_query('alter table ' ~ relation ~ ' drop if exists partition (_key_bucket = ' ~ bucket['_key_bucket'] ~ ')') -%}
            {%- else -%}
                {%- do mixed.append(bucket['_key_bucket'] | string) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if mixed -%}
            {%- do run_query('insert overwrite table ' ~ relation ~ ' partition (_key_bucket) select * from ' ~ relation
                ~ ' where _key_bucket in (' ~ mixed | join(', ') ~ ') and ' ~ column ~ ' is not null') -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
