{#-
    One row per trading day of the headline pair: the page an analyst opens first. Each of the
    seven named signals is +1 (supports small-cap leadership), 0 (neutral) or -1 (supports
    large caps), or null when its input is unknown that day; the composite is their sum. Every
    input is one that was known on the day (macro point in time, valuation of the last complete
    month, breadth of the day's close).
    The rules and thresholds are in rpt_rotation_scorecard.yml and dbt_project.yml.
-#}

{%- set pair = var('scorecard_pair') -%}

with rotation as (

    select * from {{ ref('fct_rotation_daily') }}
    where pair_id = '{{ pair }}'

),

valuation as (

    select * from {{ ref('fct_valuation_monthly') }}

),

flows as (

    select * from {{ ref('fct_etf_flows_segment_daily') }}

),

macro as (

    select * from {{ ref('fct_macro_daily') }}

),

breadth as (

    select * from {{ ref('fct_breadth_daily') }}

),

pairs as (

    select * from {{ ref('pairs') }}
    where pair_id = '{{ pair }}'

),

instruments as (

    select * from {{ ref('instruments') }}

),

-- the small-cap leg's members: the leg's own constituents (^RUT in the sample) or, on a day
-- without them, those of a fund that tracks the leg (IWM tracks ^RUT: iShares holdings)
small_leg_breadth_candidates as (

    select
        breadth.fund,
        breadth.breadth_date,
        breadth.above_ma_200_frac,
        breadth.participation_63d_bps,
        case when breadth.fund = pairs.small_symbol then 0 else 1 end as fund_priority
    from breadth
    cross join pairs
    left join instruments
        on instruments.symbol = breadth.fund
    where breadth.fund = pairs.small_symbol or instruments.tracks = pairs.small_symbol

),

small_leg_breadth as (

    select
        fund,
        breadth_date,
        above_ma_200_frac,
        participation_63d_bps
    from (
        select
            *,
            row_number() over (
                partition by breadth_date order by fund_priority, fund
            ) as candidate_rank
        from small_leg_breadth_candidates
    ) as ranked_candidates
    where candidate_rank = 1

),

-- a month's valuation is complete, and so known, from the first day of the next month
rotation_days as (

    select
        *,
        cast(
            {{ dbt.dateadd('month', -1, dbt.date_trunc('month', 'rotation_date')) }} as date
        ) as valuation_month
    from rotation

),

inputs as (

    select
        rotation.pair_id,
        rotation.rotation_date as scorecard_date,
        rotation.regime,
        rotation.spread_63d_bps,
        rotation.spread_ytd_bps,
        rotation.spread_10d_zscore,
        rotation.valuation_month,
        valuation.relative_forward_pe,
        valuation.discount_percentile_frac,
        flows.small_minus_large_flow_21d_usd,
        flows.small_minus_large_flow_21d_pp,
        macro.fed_cycle_phase,
        macro.sahm_indicator_pp,
        macro.sahm_triggered,
        macro.core_cpi_yoy_pct,
        small_leg_breadth.fund as breadth_fund,
        small_leg_breadth.above_ma_200_frac as breadth_above_ma_200_frac,
        small_leg_breadth.participation_63d_bps as breadth_participation_63d_bps
    from rotation_days as rotation
    left join valuation
        on valuation.month_start = rotation.valuation_month
    left join flows
        on flows.flow_date = rotation.rotation_date
    left join macro
        on macro.trading_date = rotation.rotation_date
    left join small_leg_breadth
        on small_leg_breadth.breadth_date = rotation.rotation_date

),

signals as (

    select
        *,
        case regime
            when 'small_cap_leadership' then 1
            when 'large_cap_leadership' then -1
            when 'neutral' then 0
        end as momentum_signal,
        case
            when discount_percentile_frac <= {{ var('scorecard_cheap_percentile') }} then 1
            when discount_percentile_frac >= {{ var('scorecard_rich_percentile') }} then -1
            when discount_percentile_frac is not null then 0
        end as valuation_signal,
        case
            when small_minus_large_flow_21d_pp > 0 then 1
            when small_minus_large_flow_21d_pp < 0 then -1
            when small_minus_large_flow_21d_pp = 0 then 0
        end as flows_signal,
        case fed_cycle_phase
            when 'cutting' then 1
            when 'hiking' then -1
            when 'holding' then 0
        end as rates_signal,
        case
            when sahm_triggered then -1
            when sahm_triggered is not null then 0
        end as labour_market_risk_signal,
        case
            when core_cpi_yoy_pct > {{ var('scorecard_core_cpi_high_pct') }} then -1
            when core_cpi_yoy_pct < {{ var('scorecard_core_cpi_low_pct') }} then 1
            when core_cpi_yoy_pct is not null then 0
        end as inflation_risk_signal,
        case
            when
                breadth_above_ma_200_frac is null or breadth_participation_63d_bps is null
                then null
            when
                breadth_above_ma_200_frac >= {{ var('scorecard_breadth_broad_frac') }}
                and breadth_participation_63d_bps >= 0
                then 1
            when
                breadth_above_ma_200_frac <= {{ var('scorecard_breadth_narrow_frac') }}
                or breadth_participation_63d_bps <= -{{ var('scorecard_breadth_lag_bps') }}
                then -1
            else 0
        end as breadth_signal
    from inputs

),

final as (

    select
        *,
        coalesce(momentum_signal, 0) + coalesce(valuation_signal, 0)
        + coalesce(flows_signal, 0) + coalesce(rates_signal, 0)
        + coalesce(labour_market_risk_signal, 0) + coalesce(inflation_risk_signal, 0)
        + coalesce(breadth_signal, 0)
            as composite_score,
        (case when momentum_signal is null then 0 else 1 end)
        + (case when valuation_signal is null then 0 else 1 end)
        + (case when flows_signal is null then 0 else 1 end)
        + (case when rates_signal is null then 0 else 1 end)
        + (case when labour_market_risk_signal is null then 0 else 1 end)
        + (case when inflation_risk_signal is null then 0 else 1 end)
        + (case when breadth_signal is null then 0 else 1 end)
            as signals_available
    from signals

)

select
    *,
    case
        when composite_score >= {{ var('scorecard_composite_threshold') }}
            then 'supports_small_caps'
        when composite_score <= -{{ var('scorecard_composite_threshold') }}
            then 'supports_large_caps'
        else 'mixed'
    end as composite_label
from final
