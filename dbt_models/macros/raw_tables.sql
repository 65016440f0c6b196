{#-
    register_raw_tables(): run at the start of every dbt invocation (on-run-start). DuckDB reads
    the raw tables where the ingest wrote them: nothing to do. Spark reads the Parquet copies the
    Dagster side publishes (dagster_project/engine/publish.py) under the Spark warehouse's
    raw/<table>: each is declared again as an external table over its folder, so a run sees the
    columns and files of the latest publication (dropping an external table keeps its files).
    The tables: the sources of schema raw, and raw.load_log (read by its name).
-#}
{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables', 'rotation')()) }}
{%- endmacro %}

{% macro default__register_raw_tables() -%}
    select 1
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- if execute -%}
        {%- set root = var('spark_warehouse', env_var('ROTATION_SPARK_WAREHOUSE', '../warehouse/spark')) -%}
        {%- set tables = ['load_log'] -%}
        {%- for source in graph.sources.values() if source.schema == 'raw' -%}
            {%- do tables.append(source.name) -%}
        {%- endfor -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for table in tables | unique -%}
            {%- do run_query('drop table if exists raw.' ~ table) -%}
            {%- do run_query(
                'create table raw.' ~ table ~ " using parquet location '" ~ root ~ '/raw/' ~ table ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
