-- Where does relative P/E sit against 25 years?
-- The latest month with both small- and large-cap forward P/E, the discount, its percentile and
-- z-score against the trailing 25 years (window_months says how many months of that window
-- have a value), and the range of the discount over the same 25 years. (The mart's last
-- months may have only one leg's P/E, when one file ends earlier: they have no discount.)
with latest as (
    select *
    from marts.fct_valuation_monthly
    where relative_forward_pe is not null
    order by month_start desc
    limit 1
),

window_range as (
    select
        min(v.discount_pct) as lowest_discount_pct,
        max(v.discount_pct) as highest_discount_pct,
        median(v.discount_pct) as median_discount_pct
    from marts.fct_valuation_monthly as v, latest as l
    where v.month_start > l.month_start - interval 25 year
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
