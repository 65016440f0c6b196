{#-
    One row per pair and common trading day. See fct_rotation_daily.yml for every formula and
    the regime rule. Windows count common trading days of the pair (rows), never calendar days.
-#}

{%- set spread_periods = [1, 5, 10, 21, 63, 126, 252] -%}
{%- set ma_short_days = var('rotation_ma_short_days') | int -%}
{%- set ma_long_days = var('rotation_ma_long_days') | int -%}
{%- set zscore_lookback_days = var('rotation_zscore_lookback_days') | int -%}

with pair_prices as (

    select * from {{ ref('int_pair_prices_joined') }}

),

-- relative strength: small / large, rebased to 100 at the pair's first common day
rebased as (

    select
        *,
        100 * (small_return_price / large_return_price)
        / first_value(small_return_price / large_return_price) over (
            partition by pair_id order by rotation_date
            rows between unbounded preceding and current row
        ) as ratio
    from pair_prices

),

trailing_windows as (

    select
        *,

        -- simple moving averages of the ratio, null until the window is full
        case
            when
                count(ratio) over (
                    partition by pair_id order by rotation_date
                    rows between {{ ma_short_days - 1 }} preceding and current row
                ) = {{ ma_short_days }}
                then avg(ratio) over (
                    partition by pair_id order by rotation_date
                    rows between {{ ma_short_days - 1 }} preceding and current row
                )
        end as ratio_ma_50,
        case
            when
                count(ratio) over (
                    partition by pair_id order by rotation_date
                    rows between {{ ma_long_days - 1 }} preceding and current row
                ) = {{ ma_long_days }}
                then avg(ratio) over (
                    partition by pair_id order by rotation_date
                    rows between {{ ma_long_days - 1 }} preceding and current row
                )
        end as ratio_ma_200,

        max(ratio) over (
            partition by pair_id order by rotation_date
            rows between unbounded preceding and current row
        ) as running_max_ratio,

        -- spread_<N>d_bps = (R_small(N) - R_large(N)) * 10000, N common rows back
        {{ spread_bps_columns(
            'small_return_price', 'large_return_price', spread_periods, 'pair_id', 'rotation_date'
        ) }}

    from rebased

),

-- the 10-day spread's history: the previous values, today excluded
spread_history as (

    select
        *,
        count(spread_10d_bps) over (
            partition by pair_id order by rotation_date
            rows between {{ zscore_lookback_days }} preceding and 1 preceding
        ) as spread_10d_history_count,
        avg(spread_10d_bps) over (
            partition by pair_id order by rotation_date
            rows between {{ zscore_lookback_days }} preceding and 1 preceding
        ) as spread_10d_history_mean,
        stddev_samp(spread_10d_bps) over (
            partition by pair_id order by rotation_date
            rows between {{ zscore_lookback_days }} preceding and 1 preceding
        ) as spread_10d_history_stddev
    from trailing_windows

),

final as (

    select
        -- grain
        pair_id,
        rotation_date,
        small_symbol,
        large_symbol,

        -- relative strength
        small_return_price,
        large_return_price,
        ratio,
        ratio_ma_50,
        ratio_ma_200,

        -- N-day spreads (bps)
        {% for n in spread_periods -%}
            spread_{{ n }}d_bps,
        {% endfor %}

        -- year to date
        small_ret_ytd,
        large_ret_ytd,
        (small_ret_ytd - large_ret_ytd) * 10000 as spread_ytd_bps,

        -- how unusual: today's 10-day spread against its previous 3 years
        case
            when spread_10d_history_count = {{ zscore_lookback_days }}
                then
                    (spread_10d_bps - spread_10d_history_mean)
                    / nullif(spread_10d_history_stddev, 0)
        end as spread_10d_zscore,

        ratio / running_max_ratio - 1 as relative_drawdown,

        -- regime rule: see the model's description
        case
            when ratio_ma_200 is null then null
            when ratio > ratio_ma_200 and ratio_ma_50 > ratio_ma_200 then 'small_cap_leadership'
            when ratio < ratio_ma_200 and ratio_ma_50 < ratio_ma_200 then 'large_cap_leadership'
            else 'neutral'
        end as regime

    from spread_history

)

select * from final
