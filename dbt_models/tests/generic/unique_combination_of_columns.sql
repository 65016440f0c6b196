{#-
    unique_combination_of_columns(combination_of_columns)

    Model-level test of a grain: every combination of the given columns occurs at most once,
    and (unless allow_nulls=true) no column of the grain is null. Returns one failing row per
    duplicated combination and one per row with a null in the grain.

        data_tests:
          - unique_combination_of_columns:
              arguments:
                combination_of_columns: [symbol, price_date]
-#}
{% test unique_combination_of_columns(model, combination_of_columns, allow_nulls=false) %}

{%- set columns_csv = combination_of_columns | join(', ') %}

with duplicated as (

    select
        {{ columns_csv }},
        count(*) as n_rows,
        'duplicate' as failure
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1

),

{% if allow_nulls %}

incomplete as (

    select
        {{ columns_csv }},
        cast(null as bigint) as n_rows,
        'null in grain' as failure
    from {{ model }}
    where 1 = 0

),

{% else %}

incomplete as (

    select
        {{ columns_csv }},
        cast(1 as bigint) as n_rows,
        'null in grain' as failure
    from {{ model }}
    where
        {% for column in combination_of_columns -%}
            {{ column }} is null{{ " or " if not loop.last }}
        {%- endfor %}

),

{% endif %}

final as (

    select * from duplicated
    union all
    select * from incomplete

)

select * from final

{% endtest %}
