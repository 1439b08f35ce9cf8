{#- customer_segments as published on each as-of date: the published history
    without the rows of D (rerunning a date replaces that date), plus today's
    customer_segments. A column that a newer customer_segments has and the
    published history lacks is null on the older dates. -#}
{%- set history = published_relation('customer_segments_history', ref('customer_segments')) | trim -%}
{%- set columns = [
    'customer_id', 'customer_name', 'account_manager', 'industry', 'region', 'is_deleted', 'as_of_date',
    'window_start', 'window_end', 'revenue_12m', 'revenue_prev_12m', 'gross_margin_12m',
    'margin_coverage', 'is_loss_making', 'revenue_share', 'revenue_cum_share', 'abc_revenue',
    'margin_share', 'margin_cum_share', 'abc_margin', 'months_observed', 'active_months',
    'purchase_frequency', 'demand_cv', 'xyz_class', 'abc_xyz', 'abc_xyz_strategy',
    'first_order_date', 'last_order_date', 'days_since_last_order', 'typical_interval_days',
    'expected_next_order_date', 'lapse_status', 'failures_90d', 'failures_prev_90d',
    'failure_trend', 'top_failure_area_90d', 'otif_rate_90d', 'tenure_months',
    'three_p_qualified', 'kam_designated', 'is_breadwinner', 'is_prospect', 'is_image_maker',
    'is_expert', 'is_key_account', 'key_account_type', 'key_account_review', 'key_account_score',
] -%}
{#- the columns the published table has (all of them before the first publication) -#}
{%- set published_columns = columns -%}
{%- if execute and not history.startswith('(') -%}
    {%- set rel = adapter.get_relation(database=target.database, schema=var('published_schema'), identifier='customer_segments_history') -%}
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
