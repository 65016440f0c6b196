{#-
    One row per macro series and observation date, with the day the value became usable
    (its publication date) and the day a later observation of the same series superseded it
    as "the latest". See int_macro_observations_published.yml for the rules.
-#}

with vintages as (

    select * from {{ ref('stg_raw__macro_observations') }}

),

-- (interim) each observation's latest value, published from its first vintage
observations as (

    select
        series_id,
        observation_date,
        arg_max(value, realtime_start) as value,
        min(realtime_start) as realtime_start
    from vintages
    group by series_id, observation_date

),

macro_series as (

    select * from {{ ref('macro_series') }}

),

-- publication date: the vintage's realtime_start where the provider gives one, else the
-- observation date plus the series' release lag from the seed
published as (

    select
        observations.series_id,
        observations.observation_date,
        observations.value,
        observations.realtime_start,
        macro_series.release_lag_days,
        coalesce(
            observations.realtime_start,
            cast(
                {{ dbt.dateadd('day', 'macro_series.release_lag_days', 'observations.observation_date') }}
                as date
            )
        ) as published_date
    from observations
    left join macro_series
        on observations.series_id = macro_series.series_id

),

-- without a publication date (no realtime_start, series not in the seed) a value is never usable
usable as (

    select * from published
    where published_date is not null

),

-- the first publication of any LATER observation of the series ends this one's reign as the
-- latest value (at that moment a newer observation is known)
superseded as (

    select
        *,
        min(published_date) over (
            partition by series_id
            order by observation_date
            rows between 1 following and unbounded following
        ) as superseded_date
    from usable

),

final as (

    select
        series_id,
        observation_date,
        value,
        realtime_start,
        release_lag_days,
        published_date,
        superseded_date,
        coalesce(published_date < superseded_date, true) as is_ever_latest
    from superseded

)

select * from final
