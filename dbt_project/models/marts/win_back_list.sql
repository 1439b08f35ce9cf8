{#- The win-back list (metrics.md "Win-back list"): lapsed or lost customers whose last
    order is at most 730 days before D, with the value at stake, a priority class, whether
    they were a key account, and the service failures before we lost them. -#}
{%- set d = as_of_date() -%}

with members as (

    select
        customer_id,
        customer_name,
        account_manager,
        lapse_status,
        last_order_date,
        days_since_last_order,
        coalesce(kam_designated, false) as kam_designated
    from {{ ref('int_customer_metrics') }}
    where
        lapse_status in ('lapsed', 'lost')
        and days_since_last_order <= 730

),

value_at_stake as (

    -- counted revenue of the order days in the 365 days up to last_order_date (<= D; exact decimals)
    select
        members.customer_id,
        sum(order_days.revenue_eur) as value_at_stake
    from members
    inner join {{ ref('int_customer_order_days') }} as order_days
        on
            order_days.customer_id = members.customer_id
            and order_days.order_date <= members.last_order_date
            and order_days.order_date >= {{ days_up_to_start(365, 'members.last_order_date') }}
    group by members.customer_id

),

valued as (

    select
        members.*,
        coalesce(value_at_stake.value_at_stake, 0) as value_at_stake
    from members
    left join value_at_stake
        on value_at_stake.customer_id = members.customer_id

),

priorities as (

    -- the ABC rule of metrics.md on value_at_stake within the list (0 gets no class)
    select
        customer_id,
        abc_class as winback_priority
    from ({{ abc_classes('valued', 'value_at_stake') }}) as abc

),

published_history as (

    select
        customer_id,
        as_of_date,
        is_key_account
    from {{ published_relation('customer_segments_history', ref('customer_segments')) }} as published

),

former_key_accounts as (

    -- a key account on any earlier published as-of date
    select distinct customer_id
    from published_history
    where
        as_of_date < {{ d }}
        and is_key_account

),

failures_before_loss as (

    -- failure events in the 180 days up to last_order_date
    select
        members.customer_id,
        events.failure_area
    from members
    inner join {{ ref('int_failure_events') }} as events
        on
            events.customer_id = members.customer_id
            and events.event_date <= members.last_order_date
            and events.event_date >= {{ days_up_to_start(180, 'members.last_order_date') }}

),

failure_counts as (

    select
        customer_id,
        count(*) as failures_before_loss
    from failures_before_loss
    group by customer_id

),

failure_areas as (

    select
        customer_id,
        failure_area,
        row_number() over (
            partition by customer_id
            order by count(*) desc, {{ key_order('failure_area') }}
        ) as area_rank
    from failures_before_loss
    group by customer_id, failure_area

)

select
    valued.customer_id,
    valued.customer_name,
    valued.account_manager,
    valued.lapse_status,
    valued.last_order_date,
    valued.days_since_last_order,
    {{ cents('valued.value_at_stake') }} as value_at_stake,
    priorities.winback_priority,
    (former_key_accounts.customer_id is not null or valued.kam_designated) as was_key_account,
    cast(coalesce(failure_counts.failures_before_loss, 0) as integer) as failures_before_loss,
    failure_areas.failure_area as top_failure_area_before_loss,
    {{ d }} as as_of_date,
    cast(row_number() over (
        order by valued.value_at_stake desc, {{ key_order('valued.customer_id') }} asc
    ) as integer) as list_rank
from valued
left join priorities
    on priorities.customer_id = valued.customer_id
left join former_key_accounts
    on former_key_accounts.customer_id = valued.customer_id
left join failure_counts
    on failure_counts.customer_id = valued.customer_id
left join failure_areas
    on
        failure_areas.customer_id = valued.customer_id
        and failure_areas.area_rank = 1
