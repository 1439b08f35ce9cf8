{#- customer_segments as published on each as-of date: the published history (source
    `published`, macro published_relation) without the rows of D (rerunning a date
    replaces that date), plus today's customer_segments. The columns are those of
    customer_segments' contract, in its order; one that the published history lacks
    (customer_segments gained it later) is null on the older dates. -#}
{%- set history = published_relation('customer_segments_history', ref('customer_segments')) | trim -%}
{%- set segments = graph.nodes.get('model.' ~ project_name ~ '.customer_segments') if execute else none -%}
{%- set columns = (segments.columns.keys() | list) if segments else [] -%}
{#- the columns the published table has (all of them before the first publication) -#}
{%- set published_columns = columns -%}
{%- if execute and not history.startswith('(') -%}
    {%- set published = source('published', 'customer_segments_history') -%}
    {%- set rel = adapter.get_relation(database=published.database, schema=published.schema, identifier=published.identifier) -%}
    {%- set published_columns = adapter.get_columns_in_relation(rel) | map(attribute='name') | map('lower') | list -%}
{%- endif %}

select
{%- for column in columns %}
    {% if column in published_columns %}{{ column }}{% else %}null as {{ column }}{% endif %}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ history }} as published
where as_of_date <> {{ as_of_date() }}

union all

select
{%- for column in columns %}
    {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ ref('customer_segments') }}
