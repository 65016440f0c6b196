{#-
    iso_weekday(day): the ISO day of the week of a date, 1 (Monday) to 7 (Sunday).
    Standard SQL's `extract(isodow from ...)` (DuckDB, Postgres); Spark names the field
    `dayofweek_iso`.
-#}
{% macro iso_weekday(day) -%}
    {{ return(adapter.dispatch('iso_weekday', 'rotation')(day)) }}
{%- endmacro %}

{% macro default__iso_weekday(day) -%}
    extract(isodow from {{ day }})
{%- endmacro %}

{% macro spark__iso_weekday(day) -%}
    extract(dayofweek_iso from {{ day }})
{%- endmacro %}
