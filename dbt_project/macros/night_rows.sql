{#- "The night's rows" of a data test (docs/decisions/0017-tests-on-the-nights-rows.md).
    A test whose rule holds row by row says so in its YAML with the placeholder

      config: {where: "__night_rows__"}

    (a constant: test configs are rendered at parse time, which must not change per night).
    dbt wraps every generic test's model in get_where_subquery at run time; this override
    replaces the placeholder by night_rows_condition and then does what dbt's does. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__night_rows__' in where -%}
        {%- set where = where | replace('__night_rows__', '(' ~ night_rows_condition(model) ~ ')') -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The SQL condition selecting the rows the night wrote in the model a test is attached to:
    - every row (1 = 1) unless this is a nightly `dbt build` (no --full-refresh, no backfill):
      `dbt test` alone, a full refresh or a backfill test every row;
    - an incremental model: the rows this build wrote (column _dbt_run_started_at, macro night_stamp);
    - a view over raw (a staging model, it reads a `<system>_history` source): the rows D's
      extraction loaded, `_load_seq` from the smallest one that raw_history holds for D
      (load sequences only grow; a night that loaded nothing selects no row);
    - any other model (a table rebuilt every night): every row. -#}
{% macro night_rows_condition(test_node) -%}
    {%- set nightly = flags.WHICH == 'build' and not flags.FULL_REFRESH and not var('kam_backfill', false) -%}
    {%- set tested = graph.nodes.get(test_node.attached_node) if test_node.attached_node else none -%}
    {%- if not nightly or tested is none -%}
        1 = 1
    {%- elif tested.config.materialized == 'incremental' -%}
        _dbt_run_started_at = {{ night_stamp_value() }}
    {%- elif tested.config.materialized == 'view' and night_history_source(tested) is not none -%}
        _load_seq >= (
            select min(loaded._load_seq) from {{ night_history_source(tested) }} as loaded
            where loaded._as_of_date = {{ as_of_date() }}
        )
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- The raw_history table a staging view reads (the one `<system>_history` source it depends on), or none. -#}
{% macro night_history_source(node) -%}
    {%- for source_id in node.depends_on.nodes if source_id.startswith('source.') -%}
        {%- set source_node = graph.sources[source_id] -%}
        {%- if source_node.source_name.endswith('_history') -%}
            {%- do return(source_node.relation_name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return(none) -%}
{%- endmacro %}
