{#- on-run-end on Spark, after `dbt build` or `dbt run` (a no-op otherwise): the candidates the
    Python side copies into the serving database, as Parquet folders KAM_SPARK_OUTBOX/<schema>/<table>/:
    - every mart (schema marts + var schema_suffix) this invocation built successfully, and every
      other model the gate reads (config meta gate_reads: stg_erp__orders, for the freshness check);
    - the stored failures of every gate test (tests/gate/, store_failures) that ran (passed, warned
      or failed: each replaced its table);
    then, LAST, KAM_SPARK_OUTBOX/_invocation/ with one row: this invocation_id and the
    comma-separated schema.table list written, so a reader knows the outbox is complete and of
    this build (a folder not listed there is stale). `results` is dbt's on-run-end context. -#}
{% macro spark_outbox_write(results) -%}
    {%- if execute and target.type == 'spark' and flags.WHICH in ['build', 'run'] -%}
        {%- set outbox = env_var('KAM_SPARK_OUTBOX', '') -%}
        {%- if not outbox -%}
            {{ exceptions.raise_compiler_error("KAM_SPARK_OUTBOX, the folder the Spark build writes its candidates to, is not set") }}
        {%- endif -%}
        {%- set outbox = outbox.rstrip('/') -%}
        {%- set marts_schema = generate_schema_name('marts', none) | trim -%}
        {%- set written = [] -%}
        {%- for result in results -%}
            {%- set node = result.node -%}
            {%- set is_mart = node.resource_type == 'model' and result.status == 'success'
                and (node.schema == marts_schema or node.config.meta.get('gate_reads')) -%}
            {%- set is_gate_test = node.resource_type == 'test' and node.original_file_path.startswith('tests/gate/')
                and node.config.store_failures and result.status in ['pass', 'warn', 'fail'] -%}
            {%- if is_mart or is_gate_test -%}
                {%- set relation = api.Relation.create(schema=node.schema, identifier=node.alias) -%}
                {%- do run_query("insert overwrite directory '" ~ outbox ~ '/' ~ node.schema ~ '/' ~ node.alias
                    ~ "' using parquet select * from " ~ relation) -%}
                {%- do written.append(node.schema ~ '.' ~ node.alias) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do run_query("insert overwrite directory '" ~ outbox ~ "/_invocation' using parquet select '"
            ~ invocation_id ~ "' as invocation_id, '" ~ (written | sort | join(',')) ~ "' as tables") -%}
    {%- endif -%}
{%- endmacro %}
