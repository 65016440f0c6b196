{#-
    The information coefficient of each scorecard signal, the composite score and naive
    momentum: one row per pair, signal, forward horizon and period (the whole history, and each
    decade), the Spearman rank correlation between the signal's value on a day and the
    small-minus-large spread over the next H common days, on every day and on the
    non-overlapping sample. See rpt_scorecard_ic.yml for every formula.
-#}

{%- set keys = ['pair_id', 'signal_name', 'horizon_days', 'period'] -%}
{%- set grain = keys | join(', ') -%}

with outcomes as (

    select * from {{ ref('int_scorecard_outcomes') }}
    -- a signal ranks days; always_small (+1 every day) and the label's side (composite, the
    -- score made coarse) add nothing a rank could use; naive_reversal is -naive_momentum
    where signal_name not in ('always_small', 'composite', 'naive_reversal')

),

periods as (

    {{ by_period('outcomes') }}

),

sampled as (

    select * from periods
    where is_sampled

),

-- average ranks (ties share the mean of the positions they take) among every day, and among
-- the sampled days alone (ranked again: their ranks among themselves)
ranked as (

    {{ signal_ranks('periods', keys) }}

),

sample_ranked as (

    {{ signal_ranks('sampled', keys) }}

),

-- Spearman's: the correlation of the ranks (none when either side is constant)
day_stats as (

    select
        {{ grain }},
        count(*) as day_count,
        {{ rank_correlation('value_rank', 'fwd_rank') }} as ic
    from ranked
    group by {{ grain }}

),

sample_stats as (

    select
        {{ grain }},
        count(*) as sample_count,
        {{ rank_correlation('value_rank', 'fwd_rank') }} as sample_ic
    from sample_ranked
    group by {{ grain }}

)

select
    day_stats.pair_id,
    day_stats.signal_name,
    day_stats.horizon_days,
    day_stats.period,
    day_stats.day_count,
    day_stats.ic,
    coalesce(sample_stats.sample_count, 0) as sample_count,
    sample_stats.sample_ic,
    case
        when sample_stats.sample_count > 2 and abs(sample_stats.sample_ic) < 1
            then
                sample_stats.sample_ic
                * sqrt(
                    (sample_stats.sample_count - 2)
                    / (1 - sample_stats.sample_ic * sample_stats.sample_ic)
                )
    end as sample_ic_t_stat
from day_stats
left join sample_stats
    on
        sample_stats.pair_id = day_stats.pair_id
        and sample_stats.signal_name = day_stats.signal_name
        and sample_stats.horizon_days = day_stats.horizon_days
        and sample_stats.period = day_stats.period
