{#- The published table `name` (a table of source `published`: schema var
    `published_schema`), or, before the first publication, an empty query with the
    columns of the candidate model `empty_like` (a ref), so history-based rules work
    on night one. -#}
{% macro published_relation(name, empty_like) -%}
    {%- set published = source('published', name) -%}
    {%- set rel = adapter.get_relation(database=published.database, schema=published.schema, identifier=published.identifier) if execute else none -%}
    {%- if rel is not none -%}
        {{ rel }}
    {%- else -%}
        (select * from {{ empty_like }} where 1 = 0)
    {%- endif -%}
{%- endmacro %}
