{#-
    at_most(column_name, max_value)

    Column-level test: the column is never greater than max_value (nulls pass). Returns the
    failing rows. Used for drawdowns, which are <= 0 by construction.

        columns:
          - name: drawdown
            data_tests:
              - at_most:
                  arguments:
                    max_value: 0
-#}
{% test at_most(model, column_name, max_value) %}

select *
from {{ model }}
where {{ column_name }} > {{ max_value }}

{% endtest %}
