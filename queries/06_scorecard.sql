-- The page an analyst opens first: the latest scorecard, signal by signal (+1 supports small
-- caps, -1 supports large caps, 0 neutral, null = no data), and the composite. The scorecard
-- is of one pair, the dbt var scorecard_pair (rut_spx unless set otherwise).
select
    pair_id,
    scorecard_date,
    regime,
    round(spread_63d_bps) as spread_63d_bps,
    round(spread_ytd_bps) as spread_ytd_bps,
    round(spread_10d_zscore, 2) as spread_10d_zscore,
    breadth_fund,
    round(breadth_above_ma_200_frac, 2) as breadth_above_ma_200_frac,
    round(breadth_participation_63d_bps) as breadth_participation_63d_bps,
    momentum_signal,
    valuation_signal,
    flows_signal,
    rates_signal,
    labour_market_risk_signal,
    inflation_risk_signal,
    breadth_signal,
    composite_score,
    signals_available,
    composite_label
from marts.rpt_rotation_scorecard
qualify scorecard_date = max(scorecard_date) over (partition by pair_id)
order by pair_id;
