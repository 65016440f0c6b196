{#-
    The information coefficient over time: one row per pair the scorecard scores, signal (as in
    rpt_scorecard_ic), forward horizon and year end (the pair's last common day of each year,
    and its latest day), Spearman's rank correlation over the trailing five years of days whose
    forward window had ended by then: what could be known of the signal's record on that day.
    See rpt_scorecard_ic_rolling.yml.
-#}

{%- set keys = ['pair_id', 'signal_name', 'horizon_days', 'as_of_date'] -%}
{%- set grain = keys | join(', ') -%}

with outcomes as (

    select * from {{ ref('int_scorecard_outcomes') }}
    where signal_name not in ('always_small', 'composite', 'naive_reversal')

),

rotation as (

    select * from {{ ref('fct_rotation_daily') }}

),

-- the pair's last common day of each calendar year (the latest day included)
as_of_days as (

    select
        pair_id,
        max(rotation_date) as as_of_date
    from rotation
    group by pair_id, extract(year from rotation_date)

),

windows as (

    select
        outcomes.pair_id,
        outcomes.signal_name,
        outcomes.horizon_days,
        as_of_days.as_of_date,
        outcomes.signal_value,
        outcomes.fwd_spread_bps
    from outcomes
    inner join as_of_days
        on
            as_of_days.pair_id = outcomes.pair_id
            and as_of_days.as_of_date >= outcomes.outcome_date
            and cast({{ dbt.dateadd('year', -5, 'as_of_days.as_of_date') }} as date)
            < outcomes.scorecard_date

),

-- average ranks (ties share the mean of the positions they take)
ranked as (

    {{ signal_ranks('windows', keys) }}

)

select
    {{ grain }},
    count(*) as day_count,
    {{ rank_correlation('value_rank', 'fwd_rank') }} as ic
from ranked
group by {{ grain }}
