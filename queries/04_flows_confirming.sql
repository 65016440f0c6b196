-- Are flows confirming?
-- Money into small-cap ETFs against large-cap ETFs over the last week and month (flow = change
-- in shares outstanding x NAV, in USD millions, and as % of each segment's assets, small minus
-- large in percentage points), beside the price momentum of IWM/SPY over the same windows.
-- Flows confirm when, for the segments' sizes, they point the same way as the spread: the
-- large-cap ETFs are several times the small-caps' size, so the difference in dollars mostly
-- follows the large-cap flow.
-- The flows are those of the latest day with a 21-day figure, and the momentum that of the same
-- day: ETF share histories often end before prices do (iwm_spy_latest_date says by how much).
with flows as (
    select *
    from marts.fct_etf_flows_segment_daily
    where small_minus_large_flow_21d_pp is not null
    order by flow_date desc
    limit 1
)

select
    f.flow_date,
    (
        select max(rotation_date) from marts.fct_rotation_daily where pair_id = 'iwm_spy'
    ) as iwm_spy_latest_date,
    f.small_etf_count,
    f.large_etf_count,
    round(f.small_minus_large_flow_5d_usd / 1e6) as small_minus_large_5d_musd,
    round(f.small_minus_large_flow_21d_usd / 1e6) as small_minus_large_21d_musd,
    round(f.small_minus_large_flow_ytd_usd / 1e6) as small_minus_large_ytd_musd,
    round(f.small_flow_21d_usd / 1e6) as small_21d_musd,
    round(f.large_flow_21d_usd / 1e6) as large_21d_musd,
    round(f.small_minus_large_flow_5d_pp, 3) as small_minus_large_5d_pp,
    round(f.small_minus_large_flow_21d_pp, 3) as small_minus_large_21d_pp,
    round(m.spread_5d_bps) as iwm_spy_spread_5d_bps,
    round(m.spread_21d_bps) as iwm_spy_spread_21d_bps,
    round(m.spread_ytd_bps) as iwm_spy_spread_ytd_bps,
    sign(f.small_minus_large_flow_5d_pp) = sign(m.spread_5d_bps) as flows_confirm_5d,
    sign(f.small_minus_large_flow_21d_pp) = sign(m.spread_21d_bps) as flows_confirm_21d
from flows as f
left join marts.fct_rotation_daily as m
    on m.pair_id = 'iwm_spy' and m.rotation_date = f.flow_date;
