{#- The customer months of orders dated <= D, as a query with the columns customer_id,
    month_start, purchase_orders, counted_orders and revenue_eur (counted orders, exact):
    the months before D's month from int_customer_months, D's own month summed from the
    order days of int_customer_order_days up to D (the compact tables, never the orders).

      from ({{ customer_months_as_of() }}) as months -#}
{% macro customer_months_as_of() -%}
    {%- set d_month = month_start(as_of_date()) -%}
select
    customer_id,
    month_start,
    purchase_orders,
    counted_orders,
    revenue_eur
from {{ ref('int_customer_months') }}
where month_start < {{ d_month }}
union all
select
    customer_id,
    {{ d_month }} as month_start,
    sum(purchase_orders) as purchase_orders,
    sum(counted_orders) as counted_orders,
    sum(revenue_eur) as revenue_eur
from {{ ref('int_customer_order_days') }}
where order_date >= {{ d_month }} and order_date <= {{ as_of_date() }}
group by customer_id
{%- endmacro %}
