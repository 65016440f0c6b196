{#-
    One row per vintage of every macro observation: the value as published from its
    known_from_date until the next vintage of the same observation supersedes it. See
    int_macro_vintages.yml for the rules.
-#}

with vintages as (

    select * from {{ ref('stg_raw__macro_observations') }}

),

macro_series as (

    select * from {{ ref('macro_series') }}

),

periods as (

    select
        series_id,
        observation_date,
        realtime_start as known_from_date,
        realtime_kind as known_from_kind,
        value,
        lead(realtime_start) over (
            partition by series_id, observation_date order by realtime_start
        ) as superseded_date,
        min(realtime_start) over (
            partition by series_id, observation_date
        ) as first_known_date
    from vintages

),

-- an observation is "the latest known" of its series from its first vintage until a LATER
-- observation is first known: one row per observation for that
observations as (

    select
        series_id,
        observation_date,
        min(first_known_date) as first_known_date
    from periods
    group by series_id, observation_date

),

newer_known as (

    select
        *,
        min(first_known_date) over (
            partition by series_id
            order by observation_date
            rows between 1 following and unbounded following
        ) as newer_first_known_date
    from observations

),

final as (

    select
        periods.series_id,
        macro_series.frequency,
        macro_series.release,
        periods.observation_date,
        periods.known_from_date,
        periods.known_from_kind,
        periods.value,
        periods.superseded_date,
        periods.superseded_date is null as is_latest_vintage,
        periods.first_known_date,
        coalesce(
            newer_known.first_known_date < newer_known.newer_first_known_date, true
        ) as is_ever_latest
    from periods
    inner join newer_known
        on
            newer_known.series_id = periods.series_id
            and newer_known.observation_date = periods.observation_date
    left join macro_series
        on macro_series.series_id = periods.series_id

)

select * from final
