{#- Warning (sources.md): order lines whose order is in no order dated <= D (missing,
    quarantined or dated after D); int_orders leaves them out. One row per line; `message`
    names up to 10 of them, by order_id (binary order) and line_number, and the raw rows they
    are missing from: raw.orders, or on a backfill raw_history.orders as of D. -#}
{{ config(severity='warn', meta={
    'gate_check': 'order_lines_without_order', 'blocking': false, 'threshold': 0,
    'rule': 'every order line belongs to an order dated <= D',
    'action': "deliver the missing orders in the ERP export (or correct the lines' order_id)"}) }}

{%- set orders_read = 'raw_history.orders (as of ' ~ as_of_date_text() ~ ')' if var('kam_backfill', false) else 'raw.orders' %}

with orphans as (

    select
        order_lines.order_id,
        order_lines.line_number
    from {{ ref('stg_erp__order_lines') }} as order_lines
    where not exists (
        select 1 from {{ ref('int_orders') }} as orders
        where orders.order_id = order_lines.order_id and orders.order_date <= {{ as_of_date() }}
    )

),

totals as (

    select
        count(*) as orphan_lines,
        count(distinct order_id) as orders
    from orphans

),

lines_sample as (

    select
        {{ dbt.listagg(dbt.concat(['order_id', "' line '", 'cast(line_number as ' ~ dbt.type_string() ~ ')']), "', '",
                       'order by ' ~ key_order('order_id') ~ ', line_number', 10) }} as order_lines
    from orphans

)

select
    orphans.*,
    totals.orphan_lines as observed,
    0 as threshold,
    totals.orders,
    {{ dbt.concat([
        'cast(totals.orphan_lines as ' ~ dbt.type_string() ~ ')', "' order lines of '",
        'cast(totals.orders as ' ~ dbt.type_string() ~ ')',
        "' orders that are not in " ~ orders_read ~ ' as of ' ~ as_of_date_text() ~ " (e.g. '",
        'lines_sample.order_lines', "'): kept in the model and reported'"]) }} as message
from orphans
cross join totals
cross join lines_sample
