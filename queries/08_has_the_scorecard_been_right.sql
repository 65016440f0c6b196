-- Has the scorecard been right?
-- For each of the scorecard's signals and its composite, over the whole history: on the days it
-- said +1 (small caps) or -1 (large caps), how often the small-minus-large spread went its way
-- over the next 21 to 252 trading days (hit_rate_frac, both sides together), the mean spread
-- after each side, and edge_bps = mean after +1 minus mean after -1 (positive: the signal
-- sorted the days the right way). Beside the baselines (always small caps, naive 63-day
-- momentum, its reversal): vs_momentum_pp is the hit rate minus naive momentum's, in
-- percentage points. The t-statistics count non-overlapping days only; windows overlap, and
-- a few long episodes make most of the history: read small differences as noise.
with sides as (
    select
        pair_id,
        signal_name,
        horizon_days,
        cast(sum(case when signal_value <> 0 then hit_count end) as double) as hits,
        cast(sum(case when signal_value <> 0 then day_count end) as bigint) as side_days,
        max(case when signal_value = 1 then mean_fwd_spread_bps end) as mean_after_plus_bps,
        max(case when signal_value = -1 then mean_fwd_spread_bps end) as mean_after_minus_bps,
        max(case when signal_value = 1 then sample_t_stat end) as t_plus,
        max(case when signal_value = -1 then sample_t_stat end) as t_minus,
        cast(sum(day_count) as bigint) as days
    from marts.rpt_scorecard_backtest
    where period = 'all'
    group by pair_id, signal_name, horizon_days
),

rates as (
    select *, hits / nullif(side_days, 0) as hit_rate_frac from sides
)

select
    r.pair_id,
    r.signal_name,
    r.horizon_days,
    r.days,
    r.side_days,
    round(r.hit_rate_frac, 3) as hit_rate_frac,
    round((r.hit_rate_frac - m.hit_rate_frac) * 100, 1) as vs_momentum_pp,
    round(r.mean_after_plus_bps) as mean_after_plus_bps,
    round(r.mean_after_minus_bps) as mean_after_minus_bps,
    round(r.mean_after_plus_bps - r.mean_after_minus_bps) as edge_bps,
    round(r.t_plus, 2) as t_plus,
    round(r.t_minus, 2) as t_minus
from rates as r
left join rates as m
    on m.pair_id = r.pair_id
    and m.horizon_days = r.horizon_days
    and m.signal_name = 'naive_momentum'
order by
    r.pair_id,
    r.horizon_days,
    case r.signal_name
        when 'composite' then 0 when 'always_small' then 8 when 'naive_momentum' then 9
        when 'naive_reversal' then 10 else 1
    end,
    r.signal_name;
