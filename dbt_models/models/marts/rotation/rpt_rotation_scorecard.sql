{#-
    One row per trading day (int_trading_days) from the headline pair's first common day on:
    the page an analyst opens first. Each of the seven named signals is +1 (supports small-cap
    leadership), 0 (neutral) or -1 (supports large caps), or null when its input is unknown that
    day; the composite is their sum. Every input is one that was known on the day (macro point
    in time, valuation of the last complete month, breadth of the day's close). A day on which a
    leg of the pair has no price keeps its row: its momentum is null, and
    momentum_missing_reason says why.
    The rules and thresholds are in rpt_rotation_scorecard.yml and dbt_project.yml.
-#}

{%- set pair = var('scorecard_pair') -%}
{%- set ma_long_days = var('rotation_ma_long_days') | int -%}

with trading_days as (

    select * from {{ ref('int_trading_days') }}

),

rotation as (

    select * from {{ ref('fct_rotation_daily') }}
    where pair_id = '{{ pair }}'

),

prices as (

    select * from {{ ref('fct_prices_daily') }}

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

-- every trading day from the pair's first common day on (every day of the calendar when the
-- pair has none): a leg without a price ends only the momentum, not the row. A month's
-- valuation is complete, and so known, from the first day of the next month.
scorecard_days as (

    select
        trading_days.trading_date as scorecard_date,
        cast(
            {{ dbt.dateadd('month', -1, dbt.date_trunc('month', 'trading_days.trading_date')) }}
            as date
        ) as valuation_month
    from trading_days
    where trading_days.trading_date >= coalesce(
        (select min(rotation.rotation_date) from rotation),
        (select min(all_days.trading_date) from trading_days as all_days)
    )

),

-- whether each leg has a price that day, and its last price on or before the day
leg_days as (

    select
        scorecard_days.scorecard_date,
        pairs.small_symbol,
        pairs.large_symbol,
        small_leg.price_date is not null as small_is_priced,
        large_leg.price_date is not null as large_is_priced,
        max(small_leg.price_date) over (
            order by scorecard_days.scorecard_date
            rows between unbounded preceding and current row
        ) as small_last_price_date,
        max(large_leg.price_date) over (
            order by scorecard_days.scorecard_date
            rows between unbounded preceding and current row
        ) as large_last_price_date
    from scorecard_days
    cross join pairs
    left join prices as small_leg
        on
            small_leg.symbol = pairs.small_symbol
            and small_leg.price_date = scorecard_days.scorecard_date
    left join prices as large_leg
        on
            large_leg.symbol = pairs.large_symbol
            and large_leg.price_date = scorecard_days.scorecard_date

),

inputs as (

    select
        '{{ pair }}' as pair_id,
        scorecard_days.scorecard_date,
        rotation.regime,
        rotation.spread_63d_bps,
        rotation.spread_ytd_bps,
        rotation.spread_10d_zscore,
        scorecard_days.valuation_month,
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
        small_leg_breadth.participation_63d_bps as breadth_participation_63d_bps,
        -- the day each signal's input became known (the input row's own date, so a join that
        -- reached past the day shows here): none may be after scorecard_date (test known_by)
        rotation.rotation_date as momentum_known_date,
        cast({{ dbt.last_day('valuation.month_start', 'month') }} as date)
            as valuation_known_date,
        flows.flow_date as flows_known_date,
        macro.fed_target_known_from_date as rates_known_date,
        macro.unrate_known_from_date as labour_market_risk_known_date,
        macro.core_cpi_known_from_date as inflation_risk_known_date,
        small_leg_breadth.breadth_date as breadth_known_date,
        -- why the momentum is unknown: a leg without a price that day (the pair has no row),
        -- else the pair's 200-day average not yet full (null regime)
        case
            when rotation.rotation_date is null
                then concat_ws(
                    '; ',
                    case
                        when not leg_days.small_is_priced
                            then
                                'no price of ' || leg_days.small_symbol || ' that day ('
                                || coalesce(
                                    'last price '
                                    || cast(
                                        leg_days.small_last_price_date as {{ dbt.type_string() }}
                                    ),
                                    'none before'
                                ) || ')'
                    end,
                    case
                        when not leg_days.large_is_priced
                            then
                                'no price of ' || leg_days.large_symbol || ' that day ('
                                || coalesce(
                                    'last price '
                                    || cast(
                                        leg_days.large_last_price_date as {{ dbt.type_string() }}
                                    ),
                                    'none before'
                                ) || ')'
                    end
                )
            when rotation.regime is null
                then 'fewer than {{ ma_long_days }} common days of the pair'
        end as momentum_missing_reason
    from scorecard_days
    left join leg_days
        on leg_days.scorecard_date = scorecard_days.scorecard_date
    left join rotation
        on rotation.rotation_date = scorecard_days.scorecard_date
    left join valuation
        on valuation.month_start = scorecard_days.valuation_month
    left join flows
        on flows.flow_date = scorecard_days.scorecard_date
    left join macro
        on macro.trading_date = scorecard_days.scorecard_date
    left join small_leg_breadth
        on small_leg_breadth.breadth_date = scorecard_days.scorecard_date

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
            as signals_available,
        -- the composite's inputs: the latest of the seven (greatest skips nulls)
        greatest(
            momentum_known_date, valuation_known_date, flows_known_date, rates_known_date,
            labour_market_risk_known_date, inflation_risk_known_date, breadth_known_date
        ) as inputs_known_date
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
