{#-
    median(expr): the median of expr within a group (an aggregate; nulls ignored; null when the
    group has no non-null value). Continuous: the mean of the two middle values when their
    count is even.

    DuckDB has a `median` aggregate; every other engine gets the SQL-standard ordered-set
    aggregate `percentile_cont(0.5) within group (order by expr)` (Postgres, Snowflake,
    Redshift...). An engine without it (Spark: `percentile(expr, 0.5)`, BigQuery) gets its own
    `<adapter>__median` here.
-#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'rotation')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__median(expr) -%}
    median({{ expr }})
{%- endmacro %}
