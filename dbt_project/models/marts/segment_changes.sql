{#- What moved since the previous as-of date: against the latest as-of date
    before D in the segment history, one row per customer and attribute whose
    value changed (null-safe); a customer absent before gets attribute
    `customer` with previous value null. Empty on the first night. -#}
{%- set attributes = ['abc_revenue', 'abc_margin', 'xyz_class', 'is_key_account', 'key_account_type', 'lapse_status'] -%}

with history as (

    select * from {{ ref('customer_segments_history') }}

),

previous_date as (

    select max(as_of_date) as previous_as_of_date
    from history
    where as_of_date < {{ as_of_date() }}

),

previous_rows as (

    select
        history.*,
        previous_date.previous_as_of_date
    from history
    inner join previous_date on history.as_of_date = previous_date.previous_as_of_date

),

current_rows as (

    select * from {{ ref('customer_segments') }}

),

changes as (

    {%- for attribute in attributes %}

        select
            current_rows.customer_id,
            '{{ attribute }}' as attribute,
            cast(previous_rows.{{ attribute }} as {{ dbt.type_string() }}) as previous_value,
            cast(current_rows.{{ attribute }} as {{ dbt.type_string() }}) as current_value,
            previous_rows.previous_as_of_date,
            current_rows.as_of_date
        from current_rows
        inner join previous_rows on previous_rows.customer_id = current_rows.customer_id
        where previous_rows.{{ attribute }} is distinct from current_rows.{{ attribute }}

        union all
    {%- endfor %}

    select
        current_rows.customer_id,
        'customer' as attribute,
        cast(null as {{ dbt.type_string() }}) as previous_value,
        cast('new' as {{ dbt.type_string() }}) as current_value,
        previous_date.previous_as_of_date,
        current_rows.as_of_date
    from current_rows
    cross join previous_date
    where
        previous_date.previous_as_of_date is not null
        and not exists (
            select 1 from previous_rows
            where previous_rows.customer_id = current_rows.customer_id
        )

)

select
    customer_id,
    attribute,
    previous_value,
    current_value,
    previous_as_of_date,
    as_of_date
from changes
