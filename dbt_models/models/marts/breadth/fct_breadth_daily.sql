{#-
    One row per fund (an index or fund with holdings in raw.constituents) and day on which at
    least one of its members has a price. Members on a day are those of the fund's latest
    holdings snapshot on or before it; see fct_breadth_daily.yml for every formula. The counts
    and medians over the members are int_fund_member_totals_daily's.
-#}

{%- set participation_days = var('breadth_participation_days') | int -%}

with daily as (

    select
        fund,
        price_date as breadth_date,
        member_count,
        above_ma_50_count,
        ma_50_member_count,
        above_ma_200_count,
        ma_200_member_count,
        advances,
        declines,
        unchanged,
        new_highs_252d,
        new_lows_252d,
        high_low_member_count,
        median_member_ret_1d,
        median_member_ret_63d
    from {{ ref('int_fund_member_totals_daily') }}
    where member_count > 0

),

prices as (

    select * from {{ ref('fct_prices_daily') }}

),

funds as (

    select distinct fund from daily

),

-- the fund's own return (its row in fct_prices_daily: the index, or the ETF on total return),
-- over 1 and 63 of its rows
fund_returns as (

    select
        prices.symbol as fund,
        prices.price_date,
        prices.ret_1d as index_ret_1d,
        prices.return_price / lag(prices.return_price, {{ participation_days }}) over (
            partition by prices.symbol order by prices.price_date
        ) - 1 as index_ret_63d
    from prices
    inner join funds
        on funds.fund = prices.symbol

),

final as (

    select
        -- grain
        daily.fund,
        daily.breadth_date,
        daily.member_count,

        -- trend
        daily.ma_50_member_count,
        cast(daily.above_ma_50_count as {{ type_double() }})
        / nullif(daily.ma_50_member_count, 0) as above_ma_50_frac,
        daily.ma_200_member_count,
        cast(daily.above_ma_200_count as {{ type_double() }})
        / nullif(daily.ma_200_member_count, 0) as above_ma_200_frac,

        -- advance / decline
        daily.advances,
        daily.declines,
        daily.unchanged,
        cast(sum(daily.advances - daily.declines) over (
            partition by daily.fund order by daily.breadth_date
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as ad_line,

        -- 52-week highs minus lows
        daily.high_low_member_count,
        daily.new_highs_252d,
        daily.new_lows_252d,
        daily.new_highs_252d - daily.new_lows_252d as net_new_highs_252d,
        cast(daily.new_highs_252d - daily.new_lows_252d as {{ type_double() }})
        / nullif(daily.high_low_member_count, 0) as net_new_highs_frac,

        -- participation: the median member against the index
        daily.median_member_ret_1d,
        fund_returns.index_ret_1d,
        (daily.median_member_ret_1d - fund_returns.index_ret_1d) * 10000 as participation_1d_bps,
        daily.median_member_ret_63d,
        fund_returns.index_ret_63d,
        (daily.median_member_ret_63d - fund_returns.index_ret_63d) * 10000
            as participation_63d_bps

    from daily
    left join fund_returns
        on
            fund_returns.fund = daily.fund
            and fund_returns.price_date = daily.breadth_date

)

select * from final
