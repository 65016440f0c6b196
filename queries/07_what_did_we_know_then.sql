-- What did we know then?
-- For each of the last 24 months of unemployment: the first trading day it was known, the day
-- it was published and how that is known (a vintage, a release date, or the project's release
-- calendar: an estimate), the unemployment rate and the Sahm indicator as known that day,
-- against the same month as revised since, and FRED's own real-time Sahm indicator. A month
-- whose trigger differs between then and now is one hindsight would misread. For any other
-- day, read marts.fct_macro_daily at that trading_date: every figure there is as known then.
with first_known as (
    select
        unrate_month_date,
        min(trading_date) as first_trading_date
    from marts.fct_macro_daily
    where unrate_month_date is not null
    group by unrate_month_date
)

select
    f.unrate_month_date as unemployment_month,
    f.first_trading_date as known_on,
    m.unrate_known_from_date as published,
    m.unrate_known_from_kind as published_how,
    m.unrate_pct as unrate_then_pct,
    m.unrate_revised_pct,
    round(m.sahm_indicator_pp, 2) as sahm_then_pp,
    round(m.sahm_indicator_revised_pp, 2) as sahm_revised_pp,
    m.sahm_realtime_fred_pp,
    m.sahm_triggered as triggered_then,
    m.sahm_triggered_revised as triggered_revised
from first_known as f
inner join marts.fct_macro_daily as m on m.trading_date = f.first_trading_date
order by f.unrate_month_date desc
limit 24;
