{#- Fails on every row where the SQL boolean `expression` is not true (false or
    null). On a column, `column_name` is available inside the expression as
    written. Usage on a model:
    data_tests: [{expression_is_true: {arguments: {expression: "revenue_12m >= 0"}}}] -#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
