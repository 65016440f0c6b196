{#-
    group_sum_between(group_by, column, min_value, max_value)

    Model-level test: within every group of `group_by`, the sum of `column` is between
    min_value and max_value (inclusive). Returns one failing row per group outside the range,
    with its sum. Used for the weights of a holdings snapshot, which sum to about 1.

        data_tests:
          - group_sum_between:
              arguments:
                group_by: [fund, snapshot_date]
                column: weight_frac
                min_value: 0.9
                max_value: 1.02
-#}
{% test group_sum_between(model, group_by, column, min_value, max_value) %}

{%- set group_csv = group_by | join(', ') %}

select
    {{ group_csv }},
    sum({{ column }}) as group_sum
from {{ model }}
group by {{ group_csv }}
having
    sum({{ column }}) < {{ min_value }}
    or sum({{ column }}) > {{ max_value }}

{% endtest %}
