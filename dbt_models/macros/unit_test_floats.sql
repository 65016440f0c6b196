{#-
    dbt's unit tests compare a model's rows with the expected rows exactly. The same SQL gives
    floats a few units in the last place apart on DuckDB and on Spark (60.0 against
    59.99999999999999: `exp(sum(ln(...)))` for a product, sums in another order), so both sides'
    floating-point columns are rounded to 9 decimals before the comparison: a unit test checks
    the SQL to 1e-9, on either engine. (dbt's own macro, dispatched from dbt_project.yml's
    `dispatch`; the rest is dbt's default__get_unit_test_sql.)
-#}
{% macro default__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
    {%- set floats = [] -%}
    {%- for column in adapter.get_column_schema_from_query(get_empty_subquery_sql(main_sql)) -%}
        {%- if column.dtype | lower in ['double', 'float', 'float8', 'real', 'double precision'] -%}
            {%- do floats.append(column.name | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set columns = [] -%}
    {%- for quoted in expected_column_names -%}
        {%- if quoted | lower | replace('"', '') | replace('`', '') in floats -%}
            {%- do columns.append('round(' ~ quoted ~ ', 9) as ' ~ quoted) -%}
        {%- else -%}
            {%- do columns.append(quoted) -%}
        {%- endif -%}
    {%- endfor -%}
with dbt_internal_unit_test_actual as (
    select {{ columns | join(', ') }}, {{ dbt.string_literal('actual') }} as {{ adapter.quote('actual_or_expected') }}
    from ({{ main_sql }}) as _dbt_internal_unit_test_actual
),

dbt_internal_unit_test_expected as (
    select {{ columns | join(', ') }}, {{ dbt.string_literal('expected') }} as {{ adapter.quote('actual_or_expected') }}
    from ({{ expected_fixture_sql }}) as _dbt_internal_unit_test_expected
)

select * from dbt_internal_unit_test_actual
union all
select * from dbt_internal_unit_test_expected
{%- endmacro %}
