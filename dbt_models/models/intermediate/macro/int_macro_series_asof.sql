{#-
    One row per trading day and macro series: the latest observation of the series known on
    that day, with its value as known that day (point in time) and as revised since. See
    int_macro_series_asof.yml.
-#}

with trading_days as (

    select * from {{ ref('int_trading_days') }}

),

vintages as (

    select * from {{ ref('int_macro_vintages') }}

),

series as (

    select distinct series_id from vintages

),

spine as (

    select
        series.series_id,
        trading_days.trading_date
    from trading_days
    cross join series

),

-- the observations that are ever "the latest known" one, each once, on the day it is first
-- known: these days increase with the observation dates, so the as-of join on them returns
-- the observation with the latest observation date among those known by the trading day
candidates as (

    select distinct
        series_id,
        first_known_date,
        observation_date
    from vintages
    where is_ever_latest

),

latest_known as (

    {{ macro_asof_join(
        'spine', 'trading_date', 'candidates', 'first_known_date',
        ['observation_date'], ['series_id']
    ) }}

),

-- that observation's vintage in force on the trading day, and its latest vintage
final as (

    select
        latest_known.trading_date,
        latest_known.series_id,
        latest_known.observation_date,
        in_force.value,
        in_force.known_from_date,
        in_force.known_from_kind,
        revised.value as revised_value
    from latest_known
    left join vintages as in_force
        on
            in_force.series_id = latest_known.series_id
            and in_force.observation_date = latest_known.observation_date
            and {{ vintage_in_force('in_force', 'latest_known.trading_date') }}
    left join vintages as revised
        on
            revised.series_id = latest_known.series_id
            and revised.observation_date = latest_known.observation_date
            and revised.is_latest_vintage

)

select * from final
