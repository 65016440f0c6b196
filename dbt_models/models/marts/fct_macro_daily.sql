{#-
    One row per trading day: the macro backdrop as it was known that day (point in time).
    See fct_macro_daily.yml for every column's formula and unit.
-#}

{%- set sahm_trigger_pp = var('sahm_trigger_pp') -%}

with trading_days as (

    select * from {{ ref('int_trading_days') }}

),

as_of as (

    select * from {{ ref('int_macro_series_asof') }}
    where series_id in ('DFF', 'DGS2', 'DGS10', 'BAMLH0A0HYM2')

),

fed_target as (

    select * from {{ ref('int_macro_fed_target_daily') }}

),

sahm as (

    select * from {{ ref('int_macro_sahm_daily') }}

),

cpi as (

    select * from {{ ref('int_macro_cpi_yoy_daily') }}

),

daily_series as (

    select
        trading_date,
        max(case when series_id = 'DFF' then value end) as dff_pct,
        max(case when series_id = 'DFF' then observation_date end) as dff_observation_date,
        max(case when series_id = 'DGS2' then value end) as dgs2_pct,
        max(case when series_id = 'DGS2' then observation_date end) as dgs2_observation_date,
        max(case when series_id = 'DGS10' then value end) as dgs10_pct,
        max(case when series_id = 'DGS10' then observation_date end) as dgs10_observation_date,
        max(case when series_id = 'BAMLH0A0HYM2' then value end) as hy_spread_pct,
        max(case when series_id = 'BAMLH0A0HYM2' then observation_date end)
            as hy_spread_observation_date
    from as_of
    group by trading_date

),

cpi_pivoted as (

    select
        trading_date,
        max(case when series_id = 'CPIAUCSL' then index_value end) as cpi_index,
        max(case when series_id = 'CPIAUCSL' then month_date end) as cpi_month_date,
        max(case when series_id = 'CPIAUCSL' then yoy_pct end) as cpi_yoy_pct,
        max(case when series_id = 'CPILFESL' then index_value end) as core_cpi_index,
        max(case when series_id = 'CPILFESL' then month_date end) as core_cpi_month_date,
        max(case when series_id = 'CPILFESL' then yoy_pct end) as core_cpi_yoy_pct
    from cpi
    group by trading_date

),

final as (

    select
        -- grain
        trading_days.trading_date,

        -- Fed policy
        fed_target.fed_target_upper_pct,
        fed_target.fed_target_lower_pct,
        fed_target.fed_target_mid_pct,
        fed_target.fed_target_is_range,
        fed_target.fed_target_observation_date,
        fed_target.fed_target_change_3m_pp,
        fed_target.fed_target_change_6m_pp,
        fed_target.fed_target_change_12m_pp,
        fed_target.fed_target_last_move_date,
        fed_target.fed_target_last_move_pp,
        fed_target.fed_cycle_phase,
        daily_series.dff_pct,
        daily_series.dff_observation_date,

        -- labour market
        sahm.unrate_pct,
        sahm.unrate_month_date,
        sahm.unrate_3m_avg_pct,
        sahm.unrate_3m_avg_month_count,
        sahm.unrate_3m_avg_prior_12m_min_pct,
        sahm.sahm_indicator_pp,
        -- 1e-9 of tolerance: an average of one-decimal rates that is 0.50 in exact arithmetic
        -- may be 0.4999999999999996 in floating point
        sahm.sahm_indicator_pp >= {{ sahm_trigger_pp }} - 1e-9 as sahm_triggered,

        -- inflation
        cpi_pivoted.cpi_index,
        cpi_pivoted.cpi_month_date,
        cpi_pivoted.cpi_yoy_pct,
        cpi_pivoted.core_cpi_index,
        cpi_pivoted.core_cpi_month_date,
        cpi_pivoted.core_cpi_yoy_pct,

        -- rates and credit
        daily_series.dgs2_pct,
        daily_series.dgs2_observation_date,
        daily_series.dgs10_pct,
        daily_series.dgs10_observation_date,
        daily_series.dgs10_pct - daily_series.dgs2_pct as slope_2s10s_pp,
        (daily_series.dgs10_pct - daily_series.dgs2_pct) * 100 as slope_2s10s_bps,
        daily_series.hy_spread_pct,
        daily_series.hy_spread_observation_date

    from trading_days
    left join fed_target
        on trading_days.trading_date = fed_target.trading_date
    left join daily_series
        on trading_days.trading_date = daily_series.trading_date
    left join sahm
        on trading_days.trading_date = sahm.trading_date
    left join cpi_pivoted
        on trading_days.trading_date = cpi_pivoted.trading_date

)

select * from final
