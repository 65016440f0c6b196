{#-
    The incremental strategy 'replace_from' (config: incremental_strategy='replace_from',
    replace_from_column='<a date column>'): the rows of the table from the new rows'
    `rebuilt_from` date on are deleted, then the new rows inserted, in the build's transaction.
    The model selects, in an incremental build, every row from that date on (the first day a
    change reaches: see int_fund_members_daily) and gives the date on each new row, so rows
    that no longer exist from then on disappear too, which dbt's delete+insert (by key) would
    keep. No new rows: nothing changes.
-#}
{% macro get_incremental_replace_from_sql(arg_dict) -%}
    {%- set column = config.require('replace_from_column') -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set new_rows = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where {{ column }} >= (select min(rebuilt_from) from {{ new_rows }});

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ new_rows }}
{%- endmacro %}

{#-
    replace_from_built(loaded_at_column, version): the select columns, over {{ this }}, of what
    an existing replace_from table was built from: `loaded_at` (the latest of its watermark
    column: what the next build looks for changes after), `is_other_code` (a row written by
    another code_version) and `first_day` (its first price_date). A table built before these
    columns existed counts as other code, with no watermark.
-#}
{% macro replace_from_built(loaded_at_column, version) -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- if 'model_version' in columns %}
    max({{ loaded_at_column }}) as loaded_at,
    bool_or(model_version <> '{{ version }}') as is_other_code,
    {%- else %}
    cast(null as timestamp) as loaded_at,
    true as is_other_code,
    {%- endif %}
    min(price_date) as first_day
{%- endmacro %}

{#-
    replace_from_config(column): the config of a replace_from model, by engine. On DuckDB the
    strategy above. Spark's Parquet tables cannot delete rows: the table is partitioned by the
    year of `column` (partition_year, from replace_from_partition_column) and a build overwrites
    the partitions its rows fall in (insert_overwrite, dynamic partition overwrite: see
    profiles.yml), so a build starts from the first day of a partition
    (replace_from_partition_start) and rewrites that year whole.
-#}
{% macro replace_from_config(column) -%}
    {{ return(adapter.dispatch('replace_from_config', 'rotation')(column)) }}
{%- endmacro %}

{% macro default__replace_from_config(column) -%}
    {{ return({
        'incremental_strategy': 'replace_from',
        'replace_from_column': column,
        'on_schema_change': 'sync_all_columns',
    }) }}
{%- endmacro %}

{% macro spark__replace_from_config(column) -%}
    {{ return({
        'incremental_strategy': 'insert_overwrite',
        'file_format': 'parquet',
        'partition_by': ['partition_year'],
        'on_schema_change': 'sync_all_columns',
    }) }}
{%- endmacro %}

{#- replace_from_partition_start(day): the first day of the partition that holds `day` -#}
{% macro replace_from_partition_start(day) -%}
    {{ return(adapter.dispatch('replace_from_partition_start', 'rotation')(day)) }}
{%- endmacro %}

{% macro default__replace_from_partition_start(day) -%}
    {{ day }}
{%- endmacro %}

{% macro spark__replace_from_partition_start(day) -%}
    trunc({{ day }}, 'year')
{%- endmacro %}

{#- replace_from_partition_column(day): the partition column, after the last column (none on
    DuckDB) -#}
{% macro replace_from_partition_column(day) -%}
    {{ return(adapter.dispatch('replace_from_partition_column', 'rotation')(day)) }}
{%- endmacro %}

{% macro default__replace_from_partition_column(day) -%}
{%- endmacro %}

{% macro spark__replace_from_partition_column(day) -%}
    , year({{ day }}) as partition_year
{%- endmacro %}
