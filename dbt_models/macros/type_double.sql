{#-
    type_double(): the 8-byte floating-point type, for casts in staging.

    dbt's own cross-database `dbt.type_float()` renders `float`, which is a 4-byte REAL on
    DuckDB, so prices would lose precision. DuckDB, Spark, Snowflake and Databricks all say
    `double`; an engine that does not (Postgres: `double precision`, BigQuery: `float64`)
    gets its own `<adapter>__type_double` implementation here.
-#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'rotation')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}

{% macro bigquery__type_double() -%}
    float64
{%- endmacro %}
