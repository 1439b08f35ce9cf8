{#- Fails on every row whose value lies outside [min_value, max_value].
    Either bound may be omitted; `min_inclusive` / `max_inclusive` (default true)
    make a bound strict. Nulls pass (combine with not_null where needed).
    Usage:  data_tests: [{between: {arguments: {min_value: 0, max_value: 1}}}] -#}
{% test between(model, column_name, min_value=none, max_value=none, min_inclusive=true, max_inclusive=true) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and (
    1 = 0
    {%- if min_value is not none %}
    or {{ column_name }} {{ '<' if min_inclusive else '<=' }} {{ min_value }}
    {%- endif %}
    {%- if max_value is not none %}
    or {{ column_name }} {{ '>' if max_inclusive else '>=' }} {{ max_value }}
    {%- endif %}
  )
{% endtest %}
