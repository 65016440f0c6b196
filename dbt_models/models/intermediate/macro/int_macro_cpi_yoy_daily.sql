{#-
    One row per trading day and CPI series (headline CPIAUCSL, core CPILFESL) with a known
    value: the latest month known, its index level, the same month a year earlier, both as
    known that day, and the year-over-year change. See int_macro_cpi_yoy_daily.yml.
-#}

with as_of as (

    select * from {{ ref('int_macro_series_asof') }}
    where series_id in ('CPIAUCSL', 'CPILFESL') and observation_date is not null

),

vintages as (

    select * from {{ ref('int_macro_vintages') }}
    where series_id in ('CPIAUCSL', 'CPILFESL')

),

with_year_ago as (

    select
        as_of.trading_date,
        as_of.series_id,
        as_of.observation_date as month_date,
        as_of.value as index_value,
        as_of.known_from_date,
        as_of.known_from_kind,
        year_ago.observation_date as year_ago_month_date,
        year_ago.value as year_ago_index_value
    from as_of
    left join vintages as year_ago
        on
            year_ago.series_id = as_of.series_id
            and year_ago.observation_date
            = cast({{ dbt.dateadd('month', -12, 'as_of.observation_date') }} as date)
            and {{ vintage_in_force('year_ago', 'as_of.trading_date') }}

),

final as (

    select
        *,
        (index_value / nullif(year_ago_index_value, 0) - 1) * 100 as yoy_pct
    from with_year_ago

)

select * from final
