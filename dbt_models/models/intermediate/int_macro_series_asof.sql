{#-
    One row per trading day and macro series: the latest observation of the series that was
    published on or before that day (point in time). See int_macro_series_asof.yml.
-#}

with trading_days as (

    select * from {{ ref('int_trading_days') }}

),

observations as (

    select * from {{ ref('int_macro_observations_published') }}

),

series as (

    select distinct series_id from observations

),

spine as (

    select
        series.series_id,
        trading_days.trading_date
    from trading_days
    cross join series

),

-- the observations that are ever "the latest known" one: their publication dates increase with
-- their observation dates, so the as-of join on the publication date returns the observation
-- with the latest observation date among those published by the trading day
candidates as (

    select
        series_id,
        published_date,
        observation_date,
        value
    from observations
    where is_ever_latest

),

as_of as (

    {{ macro_asof_join(
        'spine', 'trading_date', 'candidates', 'published_date',
        ['observation_date', 'value', 'published_date'], ['series_id']
    ) }}

),

final as (

    select
        trading_date,
        series_id,
        observation_date,
        value,
        published_date
    from as_of

)

select * from final
