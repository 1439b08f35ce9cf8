{#- The win-back list (metrics.md "Win-back list"): lapsed or lost customers whose last
    order is at most 730 days before D, with the value at stake, a priority class, whether
    they were a key account, and the service failures before we lost them. -#}
{%- set d = as_of_date() -%}

with members as (

    select customer_id, customer_name, account_manager, lapse_status,
           last_order_date, days_since_last_order,
           coalesce(kam_designated, false) as kam_designated
    from {{ ref('int_customer_metrics') }}
    where lapse_status in ('lapsed', 'lost')
      and days_since_last_order <= 730

),

value_at_stake as (

    -- counted revenue in the 365 days up to last_order_date (exact decimals)
    select m.customer_id, sum(o.revenue_eur) as value_at_stake
    from members as m
    inner join {{ ref('int_orders') }} as o
        on o.customer_id = m.customer_id
       and o.order_date <= m.last_order_date
       and o.order_date >= cast({{ dbt.dateadd('day', -364, 'm.last_order_date') }} as date)
    where o.is_counted
    group by m.customer_id

),

valued as (

    select m.*, coalesce(v.value_at_stake, 0) as value_at_stake
    from members as m
    left join value_at_stake as v
        on v.customer_id = m.customer_id

),

priorities as (

    -- the ABC rule of metrics.md on value_at_stake within the list (0 gets no class)
    select customer_id, abc_class as winback_priority
    from ({{ abc_classes('valued', 'value_at_stake') }}) as abc

),

published_history as (

    select customer_id, as_of_date, is_key_account
    from {{ published_relation('customer_segments_history', ref('customer_segments')) }} as h

),

former_key_accounts as (

    -- a key account on any earlier published as-of date
    select distinct customer_id
    from published_history
    where as_of_date < {{ d }}
      and is_key_account

),

failures_before_loss as (

    -- failure events in the 180 days up to last_order_date
    select m.customer_id, e.failure_area
    from members as m
    inner join {{ ref('int_failure_events') }} as e
        on e.customer_id = m.customer_id
       and e.event_date <= m.last_order_date
       and e.event_date >= cast({{ dbt.dateadd('day', -179, 'm.last_order_date') }} as date)

),

failure_counts as (

    select customer_id, count(*) as failures_before_loss
    from failures_before_loss
    group by customer_id

),

failure_areas as (

    select customer_id, failure_area,
           row_number() over (
               partition by customer_id
               order by count(*) desc, {{ key_order('failure_area') }}
           ) as area_rank
    from failures_before_loss
    group by customer_id, failure_area

)

select v.customer_id,
       v.customer_name,
       v.account_manager,
       v.lapse_status,
       v.last_order_date,
       cast(v.days_since_last_order as integer) as days_since_last_order,
       {{ cents('v.value_at_stake') }} as value_at_stake,
       p.winback_priority,
       (k.customer_id is not null or v.kam_designated) as was_key_account,
       cast(coalesce(f.failures_before_loss, 0) as integer) as failures_before_loss,
       a.failure_area as top_failure_area_before_loss,
       {{ d }} as as_of_date,
       cast(row_number() over (
           order by v.value_at_stake desc, {{ key_order('v.customer_id') }}
       ) as integer) as list_rank
from valued as v
left join priorities as p
    on p.customer_id = v.customer_id
left join former_key_accounts as k
    on k.customer_id = v.customer_id
left join failure_counts as f
    on f.customer_id = v.customer_id
left join failure_areas as a
    on a.customer_id = v.customer_id
   and a.area_rank = 1
