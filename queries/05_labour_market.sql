-- Is the labour market flashing?
-- The Sahm-rule indicator (3-month average unemployment minus its lowest 3-month average of the
-- prior 12 months; 0.50 pp triggers) as published on the latest trading day, and every earlier
-- date it first crossed the trigger, with unemployment then and what small caps did next: the
-- Russell 2000 minus S&P 500 spread over the following 126 trading days.
with macro as (
    select
        trading_date,
        unrate_month_date,
        unrate_pct,
        sahm_indicator_pp,
        sahm_triggered,
        lag(sahm_triggered) over (order by trading_date) as was_triggered
    from marts.fct_macro_daily
),

rut_spx as (
    select
        rotation_date,
        lead(spread_126d_bps, 126) over (order by rotation_date) as fwd_spread_126d_bps
    from marts.fct_rotation_daily
    where pair_id = 'rut_spx'
)

select
    case when m.trading_date = (select max(trading_date) from macro)
        then 'latest' else 'trigger' end as row_kind,
    m.trading_date,
    m.unrate_month_date as unemployment_month,
    m.unrate_pct,
    round(m.sahm_indicator_pp, 2) as sahm_indicator_pp,
    m.sahm_triggered,
    round(r.fwd_spread_126d_bps) as rut_spx_fwd_spread_126d_bps
from macro as m
left join rut_spx as r on r.rotation_date = m.trading_date
where m.trading_date = (select max(trading_date) from macro)
    or (m.sahm_triggered and not coalesce(m.was_triggered, false))
order by m.trading_date;
