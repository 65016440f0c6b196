-- What happened after past episodes of this size?
-- For each pair and side, the most recent episode (a 10-day spread through the episode threshold,
-- +-400 bps by default), and every earlier episode on the same side that started at least as big:
-- how often the lead continued, and the median forward spread, 21 to 252 trading days later.
-- Forward spreads are signed: positive = the pair's first leg (small caps; equal weight for
-- rsp_spy: side_label names each side) outperformed after the episode's start.
with latest as (
    select pair_id, side, side_label, start_date, start_spread_10d_bps, spread_to_date_bps
    from marts.fct_rotation_episodes
    qualify row_number() over (partition by pair_id, side order by start_date desc) = 1
),

comparable as (
    select e.*
    from marts.fct_rotation_episodes as e
    inner join latest as l
        on e.pair_id = l.pair_id
        and e.side = l.side
        and e.start_date < l.start_date
        and abs(e.start_spread_10d_bps) >= abs(l.start_spread_10d_bps)
),

outcomes as (
    select pair_id, side, 21 as horizon_days, fwd_spread_21d_bps as fwd_bps,
        lead_continued_21d as continued from comparable
    union all
    select pair_id, side, 63, fwd_spread_63d_bps, lead_continued_63d from comparable
    union all
    select pair_id, side, 126, fwd_spread_126d_bps, lead_continued_126d from comparable
    union all
    select pair_id, side, 252, fwd_spread_252d_bps, lead_continued_252d from comparable
)

select
    l.pair_id,
    l.side,
    l.side_label,
    l.start_date as latest_episode_start,
    round(l.start_spread_10d_bps) as latest_start_10d_bps,
    round(l.spread_to_date_bps) as latest_spread_since_start_bps,
    o.horizon_days,
    count(o.fwd_bps) as similar_past_episodes,
    round(avg(case when o.continued then 1.0 else 0.0 end), 2) as lead_continued_frac,
    round(median(o.fwd_bps)) as median_fwd_spread_bps,
    round(min(o.fwd_bps)) as min_fwd_spread_bps,
    round(max(o.fwd_bps)) as max_fwd_spread_bps
from latest as l
inner join outcomes as o on l.pair_id = o.pair_id and l.side = o.side
where o.fwd_bps is not null
group by all
order by l.pair_id, l.side, o.horizon_days;
