-- How big is this year's small-cap lead, and how rare is it?
-- For each pair: the YTD spread on the latest day, against the YTD spread every earlier year had
-- after the same number of trading days. rarity_pct_rank_frac = share of earlier years with a
-- smaller spread at that point (1.0 = the biggest small-cap lead on record for the date).
-- A pair's first year has no YTD spread (no year-end to start from) and is left out.
with days as (
    select
        pair_id,
        rotation_date,
        year(rotation_date) as yr,
        spread_ytd_bps,
        row_number() over (partition by pair_id, year(rotation_date) order by rotation_date)
            as trading_day_of_year
    from marts.fct_rotation_daily
),

latest as (
    select *
    from days
    qualify rotation_date = max(rotation_date) over (partition by pair_id)
),

earlier_years as (
    select d.pair_id, d.yr, d.spread_ytd_bps
    from days as d
    inner join latest as l
        on d.pair_id = l.pair_id
        and d.trading_day_of_year = l.trading_day_of_year
        and d.yr < l.yr
    where d.spread_ytd_bps is not null
)

select
    l.pair_id,
    l.rotation_date as as_of,
    l.trading_day_of_year,
    round(l.spread_ytd_bps) as spread_ytd_bps,
    count(e.yr) as earlier_years,
    round(avg(case when e.spread_ytd_bps < l.spread_ytd_bps then 1.0 else 0.0 end), 3)
        as rarity_pct_rank_frac,
    round(max(e.spread_ytd_bps)) as best_earlier_bps,
    arg_max(e.yr, e.spread_ytd_bps) as best_earlier_year,
    round(min(e.spread_ytd_bps)) as worst_earlier_bps,
    arg_min(e.yr, e.spread_ytd_bps) as worst_earlier_year
from latest as l
left join earlier_years as e on l.pair_id = e.pair_id
group by all
order by l.pair_id;
