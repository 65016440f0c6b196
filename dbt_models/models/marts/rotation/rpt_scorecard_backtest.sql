{#-
    Has the scorecard ever been right? One row per pair, signal (the scorecard's seven, its
    composite, and three baselines), signal value, forward horizon and period (the whole
    history, and each decade): what the small-minus-large spread did over the next 21, 63, 126
    and 252 common days of the pair after the days the signal had that value.
    Every signal is the scorecard's, as known at that day's close; the forward spread is the
    outcome, known only later. See rpt_scorecard_backtest.yml for every formula.
-#}

with outcomes as (

    select * from {{ ref('int_scorecard_outcomes') }}
    where signal_name <> 'composite_score'  -- a score, not a side: rpt_scorecard_ic ranks it

),

-- each outcome in the whole history and in its decade
periods as (

    {{ by_period('outcomes') }}

),

stats as (

    select
        pair_id,
        signal_name,
        signal_value,
        horizon_days,
        period,
        min(scorecard_date) as first_date,
        max(scorecard_date) as last_date,
        count(*) as day_count,
        avg(fwd_spread_bps) as mean_fwd_spread_bps,
        {{ median('fwd_spread_bps') }} as median_fwd_spread_bps,
        count(
            case
                when signal_value = 1 and fwd_spread_bps > 0 then 1
                when signal_value = -1 and fwd_spread_bps < 0 then 1
            end
        ) as hit_count,
        count(case when is_sampled then 1 end) as sample_count,
        avg(case when is_sampled then fwd_spread_bps end) as sample_mean_fwd_spread_bps,
        stddev_samp(case when is_sampled then fwd_spread_bps end) as sample_stddev_bps
    from periods
    group by pair_id, signal_name, signal_value, horizon_days, period

)

select
    pair_id,
    signal_name,
    signal_value,
    horizon_days,
    period,
    first_date,
    last_date,
    day_count,
    mean_fwd_spread_bps,
    median_fwd_spread_bps,
    case when signal_value <> 0 then hit_count end as hit_count,
    case
        when signal_value <> 0 then cast(hit_count as {{ type_double() }}) / day_count
    end as hit_rate_frac,
    sample_count,
    sample_mean_fwd_spread_bps,
    sample_stddev_bps,
    sample_mean_fwd_spread_bps
    / (nullif(sample_stddev_bps, 0) / sqrt(cast(sample_count as {{ type_double() }})))
        as sample_t_stat
from stats
