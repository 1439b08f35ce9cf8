{#- One row per order of any order date (orders without lines included), with the sums of
    its lines in the reporting currency and the flags the rules need. The model does not
    depend on D: consumers keep order_date <= D and read a delivered_date after D as not
    delivered yet, so a backfill of an earlier D stays correct.

    Each line is converted once, with the latest rate of the order's currency on or before
    the order date (none: fx_rate null, the line adds zero to every amount), and summed
    into its order here: no table holds the lines themselves.

    Incremental (delete+insert by order_id): a night recomputes the orders touched since
    the last build, i.e. an order or a line loaded later (`_load_seq` above the greatest
    one this table holds), or an order in a currency that got a rate loaded later (above
    the greatest `_load_seq` of a rate applied here), dated on or after that rate's date.
    A rate nobody uses yet is looked at again the next night, which changes nothing.
    Sources never delete rows, so nothing has to be removed. The lineage columns are the
    source rows' own `_load_seq`, so a full refresh gives the same table. On Spark: by
    partitions of order buckets (macro incremental_by_key). -#}
{{ config(**incremental_by_key('order_id')) }}
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

    select *
    from {{ ref('stg_erp__orders') }}
    {% if is_incremental() -%}
        where {{ recompute_filter('order_id', 'touched_orders') }}
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

    -- the lines of the orders above, each converted once; lines without an order are left out
    select
        order_lines.order_id,
        order_lines.quantity,
        order_lines.delivered_quantity,
        order_lines._load_seq as line_load_seq,
        -- widen before multiplying: decimal(18,6) x decimal(18,6) overflows DuckDB's 64-bit decimals
        cast(
            coalesce(
                cast(cast(order_lines.quantity as decimal(38, 12)) * order_lines.unit_price as decimal(38, 12))
                * orders.fx_rate,
                0
            ) as decimal(38, 12)
        ) as revenue_eur,
        cast(
            case
                when order_lines.unit_cost is not null
                    then coalesce(
                        cast(cast(order_lines.quantity as decimal(38, 12)) * order_lines.unit_cost as decimal(38, 12))
                        * orders.fx_rate,
                        0
                    )
            end as decimal(38, 12)
        ) as cost_eur
    from {{ ref('stg_erp__order_lines') }} as order_lines
    inner join orders_with_rate as orders
        on orders.order_id = order_lines.order_id

),

line_totals as (

    select
        order_id,
        sum(revenue_eur) as revenue_eur,
        sum(coalesce(cost_eur, 0)) as cost_eur,
        sum(case when cost_eur is not null then revenue_eur else 0 end) as revenue_with_cost_eur,
        sum(quantity) as ordered_quantity,
        sum(coalesce(delivered_quantity, 0)) as delivered_quantity,
        count(*) as line_count,
        max(line_load_seq) as line_load_seq
    from lines
    group by order_id

)

select
    orders.order_id,
    orders.customer_id,
    orders.order_date,
    orders.promised_date,
    orders.delivered_date,
    orders.status,
    orders.currency,
    orders.status not in ('cancelled', 'returned') as is_counted,
    orders.status <> 'cancelled' as is_purchase,
    orders.fx_rate is not null as has_rate,
    cast(coalesce(line_totals.revenue_eur, 0) as decimal(38, 12)) as revenue_eur,
    cast(coalesce(line_totals.cost_eur, 0) as decimal(38, 12)) as cost_eur,
    cast(coalesce(line_totals.revenue_with_cost_eur, 0) as decimal(38, 12)) as revenue_with_cost_eur,
    cast(coalesce(line_totals.ordered_quantity, 0) as decimal(38, 6)) as ordered_quantity,
    cast(coalesce(line_totals.delivered_quantity, 0) as decimal(38, 6)) as delivered_quantity,
    cast(coalesce(line_totals.line_count, 0) as integer) as line_count,
    orders._load_seq as order_load_seq,
    line_totals.line_load_seq,
    orders.rate_load_seq,
    {{ night_stamp() }}{{ key_bucket_column('orders.order_id') }}
from orders_with_rate as orders
left join line_totals
    on line_totals.order_id = orders.order_id
