{#- One row per order line whose order exists (any order date: the as-of filter
    order_date <= D is applied downstream, so the model does not depend on D and a
    backfill of an earlier D stays correct), amounts converted to the reporting
    currency with the latest rate on or before the order date. Lines whose order is
    missing are left out. An order without an applicable rate (fx_rate null) adds
    zero to every amount; int_orders.has_rate is that flag, per order.

    Incremental (delete+insert by order_id): a night recomputes every line of the
    orders touched since the last build, i.e. an order or a line loaded later
    (`_load_seq` above the greatest one this table holds), or an order in a currency
    that got a rate loaded later (above the greatest `_load_seq` of a rate applied
    here), dated on or after that rate's date. A rate nobody uses yet is looked at
    again the next night, which changes nothing. Sources never delete rows, so
    nothing has to be removed. The lineage columns are the source rows' own
    `_load_seq`, so a full refresh gives the same table. -#}
{{ config(materialized='incremental', unique_key='order_id', incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns') }}
{%- set reporting = var('reporting_currency') %}

with

{% if is_incremental() %}
    processed as (

        select
            coalesce(max(order_load_seq), 0) as order_load_seq,
            coalesce(max(line_load_seq), 0) as line_load_seq,
            coalesce(max(rate_load_seq), 0) as rate_load_seq
        from {{ this }}

    ),

    new_rates as (

        select
            currency,
            min(rate_date) as first_rate_date
        from {{ ref('stg_erp__fx_rates') }}
        where _load_seq > (select processed.rate_load_seq from processed)
        group by currency

    ),

    touched_orders as (

        select order_id from {{ ref('stg_erp__orders') }}
        where _load_seq > (select processed.order_load_seq from processed)
        union
        select order_id from {{ ref('stg_erp__order_lines') }}
        where _load_seq > (select processed.line_load_seq from processed)
        union
        select orders.order_id
        from {{ ref('stg_erp__orders') }} as orders
        inner join new_rates
            on
                new_rates.currency = orders.currency
                and orders.order_date >= new_rates.first_rate_date

    ),
{% endif %}

orders as (

    select
        order_id,
        customer_id,
        order_date,
        status,
        currency,
        _load_seq as order_load_seq
    from {{ ref('stg_erp__orders') }}
    {% if is_incremental() -%}
        where order_id in (select touched_orders.order_id from touched_orders)
    {%- endif %}

),

rates as (

    -- each rate is valid from its rate_date until the day before the next one
    select
        currency,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency order by rate_date) as valid_until,
        rate_to_reporting,
        _load_seq as rate_load_seq
    from {{ ref('stg_erp__fx_rates') }}

),

orders_with_rate as (

    select
        orders.*,
        case
            when orders.currency = '{{ reporting }}' then cast(1 as decimal(18, 10))
            else rates.rate_to_reporting
        end as fx_rate,
        rates.rate_load_seq
    from orders
    left join rates
        on
            rates.currency = orders.currency
            and orders.currency <> '{{ reporting }}'
            and rates.valid_from <= orders.order_date
            and (rates.valid_until is null or orders.order_date < rates.valid_until)

),

lines as (

    select
        order_lines.order_id,
        order_lines.line_number,
        orders.customer_id,
        orders.order_date,
        orders.status,
        orders.currency,
        order_lines.quantity,
        order_lines.delivered_quantity,
        order_lines.unit_cost,
        orders.fx_rate,
        orders.order_load_seq,
        order_lines._load_seq as line_load_seq,
        orders.rate_load_seq,
        -- widen before multiplying: decimal(18,6) x decimal(18,6) overflows DuckDB's 64-bit decimals
        cast(
            cast(order_lines.quantity as decimal(38, 12)) * order_lines.unit_price as decimal(38, 12)
        ) as revenue_local,
        cast(cast(order_lines.quantity as decimal(38, 12)) * order_lines.unit_cost as decimal(38, 12)) as cost_local
    from {{ ref('stg_erp__order_lines') }} as order_lines
    inner join orders_with_rate as orders
        on orders.order_id = order_lines.order_id

)

select
    order_id,
    line_number,
    customer_id,
    order_date,
    status,
    currency,
    quantity,
    delivered_quantity,
    fx_rate,
    cast(coalesce(revenue_local * fx_rate, 0) as decimal(38, 12)) as revenue_eur,
    cast(
        case when unit_cost is not null then coalesce(cost_local * fx_rate, 0) end
        as decimal(38, 12)
    ) as cost_eur,
    order_load_seq,
    line_load_seq,
    rate_load_seq
from lines
