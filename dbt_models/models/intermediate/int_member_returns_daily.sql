{#-
    One row per index or fund member (a symbol of raw.constituents) and trading day with a
    price, with everything breadth needs from the member's own history. All windows share one
    partition and order (symbol, price_date), so the engine sorts the member prices once. See
    the yml for the formulas. The window lengths are project vars (breadth_*) only so that unit tests can shrink
    them; the column names carry the defaults (ma_50, ma_200, 252d, 63d).
-#}

{%- set ma_short_days = var('breadth_ma_short_days') | int -%}
{%- set ma_long_days = var('breadth_ma_long_days') | int -%}
{%- set high_low_days = var('breadth_high_low_days') | int -%}
{%- set participation_days = var('breadth_participation_days') | int -%}

with prices as (

    select * from {{ ref('stg_raw__prices') }}

),

constituents as (

    select * from {{ ref('stg_raw__constituents') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

member_symbols as (

    select distinct symbol from constituents

),

-- members only (the seed's instruments are in fct_prices_daily), on the marts' trading days;
-- returns use the total-return close where the provider has one, else the close
member_prices as (

    select
        prices.symbol,
        prices.price_date,
        coalesce(prices.adj_close, prices.close) as return_price
    from prices
    inner join member_symbols
        on member_symbols.symbol = prices.symbol
    inner join trading_days
        on trading_days.trading_date = prices.price_date

),

member_windows as (

    select
        symbol,
        price_date,
        return_price,
        lag(price_date) over (
            partition by symbol order by price_date
        ) as previous_price_date,
        lag(return_price) over (
            partition by symbol order by price_date
        ) as previous_return_price,
        lag(return_price, {{ participation_days }}) over (
            partition by symbol order by price_date
        ) as participation_base_return_price,

        -- the member's row number: a window of N rows is full from row N on (return_price is
        -- never null, so no count() over each frame is needed)
        row_number() over (
            partition by symbol order by price_date
        ) as member_row,

        -- moving averages, today included
        avg(return_price) over (
            partition by symbol order by price_date
            rows between {{ ma_short_days - 1 }} preceding and current row
        ) as ma_short,
        avg(return_price) over (
            partition by symbol order by price_date
            rows between {{ ma_long_days - 1 }} preceding and current row
        ) as ma_long,

        -- the previous 52 weeks, today excluded
        max(return_price) over (
            partition by symbol order by price_date
            rows between {{ high_low_days }} preceding and 1 preceding
        ) as prior_high,
        min(return_price) over (
            partition by symbol order by price_date
            rows between {{ high_low_days }} preceding and 1 preceding
        ) as prior_low
    from member_prices

),

final as (

    select
        -- grain
        symbol,
        price_date,

        -- prices and returns (fractions)
        return_price,
        previous_price_date,
        previous_return_price,
        return_price / previous_return_price - 1 as ret_1d,
        return_price / participation_base_return_price - 1 as ret_63d,

        -- trend: null until the window is full
        case when member_row >= {{ ma_short_days }} then ma_short end as ma_50,
        case when member_row >= {{ ma_long_days }} then ma_long end as ma_200,
        case
            when member_row >= {{ ma_short_days }} then return_price > ma_short
        end as is_above_ma_50,
        case
            when member_row >= {{ ma_long_days }} then return_price > ma_long
        end as is_above_ma_200,

        -- 52-week extremes: strictly beyond every one of the previous 252 prices
        case
            when member_row > {{ high_low_days }} then return_price > prior_high
        end as is_new_high_252d,
        case
            when member_row > {{ high_low_days }} then return_price < prior_low
        end as is_new_low_252d

    from member_windows

)

select * from final
