-- Where does relative P/E sit against 25 years?
-- The latest month of small- vs large-cap forward P/E, the discount, its percentile and z-score
-- against the trailing 25 years (window_months says how much history the window really had),
-- and the range that window spans.
with latest as (
    select *
    from marts.fct_valuation_monthly
    order by month_start desc
    limit 1
),

window_range as (
    select
        min(v.discount_pct) as lowest_discount_pct,
        max(v.discount_pct) as highest_discount_pct,
        median(v.discount_pct) as median_discount_pct
    from marts.fct_valuation_monthly as v, latest as l
    where v.month_start > l.month_start - to_months(l.window_months)
        and v.month_start <= l.month_start
)

select
    l.month_start,
    l.small_symbol,
    l.large_symbol,
    l.small_forward_pe,
    l.large_forward_pe,
    round(l.relative_forward_pe, 3) as relative_forward_pe,
    round(l.discount_pct, 1) as discount_pct,
    round(l.discount_percentile_frac, 3) as discount_percentile_frac,
    round(l.discount_zscore, 2) as discount_zscore,
    l.is_lookback_low,
    l.window_months,
    round(r.lowest_discount_pct, 1) as window_lowest_discount_pct,
    round(r.median_discount_pct, 1) as window_median_discount_pct,
    round(r.highest_discount_pct, 1) as window_highest_discount_pct
from latest as l, window_range as r;
