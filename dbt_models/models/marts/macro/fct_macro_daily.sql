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
    where series_id in ('DFF', 'DGS2', 'DGS10', 'BAMLH0A0HYM2', 'SAHMREALTIME', 'UNRATE')

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

{#- series read as they are: (series_id, column prefix, value column, observation column) -#}
{%- set daily = [
    ('DFF', 'dff', 'dff_pct', 'dff_observation_date'),
    ('DGS2', 'dgs2', 'dgs2_pct', 'dgs2_observation_date'),
    ('DGS10', 'dgs10', 'dgs10_pct', 'dgs10_observation_date'),
    ('BAMLH0A0HYM2', 'hy_spread', 'hy_spread_pct', 'hy_spread_observation_date'),
    ('SAHMREALTIME', 'sahm_realtime_fred', 'sahm_realtime_fred_pp', 'sahm_realtime_fred_month_date'),
] %}

daily_series as (

    select
        trading_date,
        {% for series_id, prefix, value_column, observation_column in daily -%}
            max(case when series_id = '{{ series_id }}' then value end) as {{ value_column }},
            max(case when series_id = '{{ series_id }}' then observation_date end)
                as {{ observation_column }},
            max(case when series_id = '{{ series_id }}' then known_from_date end)
                as {{ prefix }}_known_from_date,
            max(case when series_id = '{{ series_id }}' then known_from_kind end)
                as {{ prefix }}_known_from_kind,
        {% endfor -%}
        max(case when series_id = 'UNRATE' then known_from_date end) as unrate_known_from_date,
        max(case when series_id = 'UNRATE' then known_from_kind end) as unrate_known_from_kind
    from as_of
    group by trading_date

),

cpi_pivoted as (

    select
        trading_date,
        max(case when series_id = 'CPIAUCSL' then index_value end) as cpi_index,
        max(case when series_id = 'CPIAUCSL' then month_date end) as cpi_month_date,
        max(case when series_id = 'CPIAUCSL' then yoy_pct end) as cpi_yoy_pct,
        max(case when series_id = 'CPIAUCSL' then known_from_date end) as cpi_known_from_date,
        max(case when series_id = 'CPIAUCSL' then known_from_kind end) as cpi_known_from_kind,
        max(case when series_id = 'CPILFESL' then index_value end) as core_cpi_index,
        max(case when series_id = 'CPILFESL' then month_date end) as core_cpi_month_date,
        max(case when series_id = 'CPILFESL' then yoy_pct end) as core_cpi_yoy_pct,
        max(case when series_id = 'CPILFESL' then known_from_date end) as core_cpi_known_from_date,
        max(case when series_id = 'CPILFESL' then known_from_kind end) as core_cpi_known_from_kind
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
        fed_target.fed_target_known_from_date,
        fed_target.fed_target_known_from_kind,
        fed_target.fed_target_change_3m_pp,
        fed_target.fed_target_change_6m_pp,
        fed_target.fed_target_change_12m_pp,
        fed_target.fed_target_last_move_date,
        fed_target.fed_target_last_move_pp,
        fed_target.fed_cycle_phase,
        daily_series.dff_pct,
        daily_series.dff_observation_date,
        daily_series.dff_known_from_date,
        daily_series.dff_known_from_kind,

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
        daily_series.unrate_known_from_date,
        daily_series.unrate_known_from_kind,
        -- the same month's figures as revised since (the latest vintages): hindsight
        sahm.unrate_revised_pct,
        sahm.sahm_indicator_revised_pp,
        sahm.sahm_indicator_revised_pp >= {{ sahm_trigger_pp }} - 1e-9 as sahm_triggered_revised,
        -- FRED's own real-time Sahm indicator (SAHMREALTIME) as known that day, to compare
        daily_series.sahm_realtime_fred_pp,
        daily_series.sahm_realtime_fred_month_date,
        daily_series.sahm_realtime_fred_known_from_date,
        daily_series.sahm_realtime_fred_known_from_kind,

        -- inflation
        cpi_pivoted.cpi_index,
        cpi_pivoted.cpi_month_date,
        cpi_pivoted.cpi_yoy_pct,
        cpi_pivoted.cpi_known_from_date,
        cpi_pivoted.cpi_known_from_kind,
        cpi_pivoted.core_cpi_index,
        cpi_pivoted.core_cpi_month_date,
        cpi_pivoted.core_cpi_yoy_pct,
        cpi_pivoted.core_cpi_known_from_date,
        cpi_pivoted.core_cpi_known_from_kind,

        -- rates and credit
        daily_series.dgs2_pct,
        daily_series.dgs2_observation_date,
        daily_series.dgs2_known_from_date,
        daily_series.dgs2_known_from_kind,
        daily_series.dgs10_pct,
        daily_series.dgs10_observation_date,
        daily_series.dgs10_known_from_date,
        daily_series.dgs10_known_from_kind,
        daily_series.dgs10_pct - daily_series.dgs2_pct as slope_2s10s_pp,
        (daily_series.dgs10_pct - daily_series.dgs2_pct) * 100 as slope_2s10s_bps,
        daily_series.hy_spread_pct,
        daily_series.hy_spread_observation_date,
        daily_series.hy_spread_known_from_date,
        daily_series.hy_spread_known_from_kind

    from trading_days
    left join fed_target
        on fed_target.trading_date = trading_days.trading_date
    left join daily_series
        on daily_series.trading_date = trading_days.trading_date
    left join sahm
        on sahm.trading_date = trading_days.trading_date
    left join cpi_pivoted
        on cpi_pivoted.trading_date = trading_days.trading_date

)

select * from final
