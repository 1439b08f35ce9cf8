{#- The raw rows a staging model reads: source `<system>` (`erp` or `crm`, schema raw)
    on a nightly build, or, with var `kam_backfill` true, the versions of source
    `<system>_history` (schema raw_history) that had arrived by D (`_as_of_date <= D`),
    keeping per key the latest one. That is what `raw.<object>` held at the end of D's
    last night (docs/decisions/0009, "Raw versions"), so a backfill of D computes D from
    the rows D saw.

      from {{ raw_as_of('erp', 'order_lines', ['order_id', 'line_number']) }} as raw_rows

    Latest version: greatest `updated_at`, then greatest `_load_seq` (a later load of
    the same `updated_at` replaced the row); with `versioned_by='load_seq'` (objects
    without `updated_at`: fx_rates) greatest `_load_seq` only. Both sources are named
    on every build so the model depends on both (unit tests give both as inputs).
    A backfill needs var `schema_suffix` (e.g. `_backfill`): it must never rebuild the
    nightly schemas from the history. -#}
{% macro raw_as_of(system, object, key_columns, versioned_by='updated_at') -%}
    {%- set latest = source(system, object) -%}
    {%- set history = source(system ~ '_history', object) -%}
    {%- if versioned_by not in ['updated_at', 'load_seq'] -%}
        {{ exceptions.raise_compiler_error("raw_as_of(" ~ object ~ "): versioned_by must be 'updated_at' or 'load_seq', not '" ~ versioned_by ~ "'") }}
    {%- endif -%}
    {%- if var('kam_backfill', false) -%}
        {%- if execute and not var('schema_suffix', '') -%}
            {{ exceptions.raise_compiler_error("kam_backfill is true but var schema_suffix is empty: a backfill builds into suffixed schemas (e.g. schema_suffix: _backfill), never into the nightly ones") }}
        {%- endif -%}
        {%- set order = ('updated_at desc nulls last, ' if versioned_by == 'updated_at' else '') ~ '_load_seq desc nulls last' -%}
(
    select *
    from (
        select
            versions.*,
            row_number() over (partition by {{ key_columns | join(', ') }} order by {{ order }}) as _version_rank
        from {{ history }} as versions
        where versions._as_of_date <= {{ as_of_date() }}
    ) as ranked_versions
    where _version_rank = 1
)
    {%- else -%}
{{ latest }}
    {%- endif -%}
{%- endmacro %}
