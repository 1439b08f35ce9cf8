{#- dbt's listagg on Spark with its order: dbt-spark ignores `order_by_clause` (collect_list
    keeps no order), which would make the samples of the gate's messages and the dossier's
    lists differ from DuckDB and PostgreSQL. Here the non-null values are collected with their
    sort keys as structs, sorted (array_sort compares the struct's fields in order, strings in
    binary order), then joined; no value gives null, as string_agg does. `order_by_clause` is
    `order by <expr>[, <expr> ...]`, ascending only (the project's lists); a `desc` is refused
    rather than ignored. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set sort_keys = [] -%}
    {%- if order_by_clause -%}
        {%- set keys_text = modules.re.sub('^\\s*order\\s+by\\s+', '', order_by_clause, flags=modules.re.I) -%}
        {%- for sort_key in keys_text.split(',') -%}
            {%- if modules.re.search('\\s(desc|asc)\\s*$', sort_key, flags=modules.re.I) -%}
                {{ exceptions.raise_compiler_error("listagg on Spark: only ascending keys, without asc/desc: " ~ order_by_clause) }}
            {%- endif -%}
            {%- do sort_keys.append(sort_key | trim) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set fields = [] -%}
    {%- for sort_key in sort_keys -%}
        {%- do fields.append(sort_key ~ ' as sort_key_' ~ loop.index) -%}
    {%- endfor -%}
    {%- do fields.append(measure ~ ' as listagg_value') -%}
    {%- set sorted = 'array_sort(collect_list(case when (' ~ measure ~ ') is not null then struct(' ~ fields | join(', ') ~ ') end))' -%}
    {%- set values = 'transform(' ~ sorted ~ ', listagg_item -> listagg_item.listagg_value)' -%}
    {%- if limit_num -%}
        {%- set values = 'slice(' ~ values ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    {#- no value: null, as string_agg (array_join would give '') -#}
    {{ return('case when count(' ~ measure ~ ') > 0 then array_join(' ~ values ~ ', ' ~ delimiter_text ~ ') end') }}
{%- endmacro %}
