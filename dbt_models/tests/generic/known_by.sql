{#-
    The look-ahead detector: no column of `known_columns` (the day an input of the row became
    known) is after the row's own day, `date_column`. Fails with one row per offending value:
    the row's day, the column and the day it names. Nulls (no input) pass.
-#}

{% test known_by(model, date_column, known_columns) %}

    {% for column in known_columns -%}
        select
            {{ date_column }} as row_date,
            '{{ column }}' as known_column,
            {{ column }} as known_date
        from {{ model }}
        where {{ column }} > {{ date_column }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

{% endtest %}
