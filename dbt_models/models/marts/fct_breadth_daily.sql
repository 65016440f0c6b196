{#-
    One row per fund (an index or fund with holdings in raw.constituents) and day on which at
    least one of its members has a price. Members on a day are those of the fund's latest
    holdings snapshot on or before it; see fct_breadth_daily.yml for every formula.
-#}

{%- set participation_days = var('breadth_participation_days') | int -%}

with members as (

    select * from {{ ref('int_fund_members_daily') }}
    where is_member

),

prices as (

    select * from {{ ref('fct_prices_daily') }}

),

funds as (

    select distinct fund from members

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

daily as (

    select
        fund,
        price_date as breadth_date,
        count(*) as member_count,

        -- trend: shares of the members whose window is full
        count(case when is_above_ma_50 then 1 end) as above_ma_50_count,
        count(is_above_ma_50) as ma_50_member_count,
        count(case when is_above_ma_200 then 1 end) as above_ma_200_count,
        count(is_above_ma_200) as ma_200_member_count,

        -- advances and declines
        count(case when ret_1d > 0 then 1 end) as advances,
        count(case when ret_1d < 0 then 1 end) as declines,
        count(case when ret_1d = 0 then 1 end) as unchanged,

        -- 52-week highs and lows
        count(case when is_new_high_252d then 1 end) as new_highs_252d,
        count(case when is_new_low_252d then 1 end) as new_lows_252d,
        count(is_new_high_252d) as high_low_member_count,

        -- the typical member
        {{ median('ret_1d') }} as median_member_ret_1d,
        {{ median('ret_63d') }} as median_member_ret_63d
    from members
    group by fund, price_date

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
