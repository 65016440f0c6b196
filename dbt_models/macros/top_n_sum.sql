{#-
    top_n_sum(relation, group_by, expr, n, alias)

    One SELECT (usable as a CTE body): per group of `relation` (the columns `group_by`), the sum
    of the `n` largest non-null values of `expr`, named `alias`; null for a group without one.

        top_weights as (
            {{ top_n_sum('members', ['fund', 'price_date'], 'drifted_weight', 10, 'top_n_weight') }}
        )

    - `duckdb__`: DuckDB's top-N aggregate `max(expr, n)` (a list of the n largest) summed with
      `list_sum`: one hash aggregation, no sort.
    - `default__`: standard SQL: `row_number()` over each group by `expr` descending, then the
      sum of the first n. It sorts every group, which costs about fifteen times the aggregate
      on DuckDB for tens of millions of rows.
-#}
{% macro top_n_sum(relation, group_by, expr, n, alias) -%}
    {{ return(adapter.dispatch('top_n_sum', 'rotation')(relation, group_by, expr, n, alias)) }}
{%- endmacro %}


{% macro duckdb__top_n_sum(relation, group_by, expr, n, alias) -%}
    {%- set group_csv = group_by | join(', ') -%}
    select
        {{ group_csv }},
        list_sum(max({{ expr }}, {{ n }})) as {{ alias }}
    from {{ relation }}
    group by {{ group_csv }}
{%- endmacro %}


{% macro default__top_n_sum(relation, group_by, expr, n, alias) -%}
    {%- set group_csv = group_by | join(', ') -%}
    select
        {{ group_csv }},
        sum(case when top_n_rank <= {{ n }} then top_n_value end) as {{ alias }}
    from (
        select
            {{ group_csv }},
            {{ expr }} as top_n_value,
            row_number() over (
                partition by {{ group_csv }} order by {{ expr }} desc
            ) as top_n_rank
        from {{ relation }}
        where {{ expr }} is not null
    ) as top_n_ranked
    group by {{ group_csv }}
{%- endmacro %}
