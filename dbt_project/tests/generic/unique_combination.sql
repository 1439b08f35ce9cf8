{#- Fails on every combination of `columns` that occurs more than once
    (a composite primary key). Usage on a model:
    data_tests: [{unique_combination: {arguments: {columns: [order_id, line_number]}}}] -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
