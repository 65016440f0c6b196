{#-
    One row per instrument of the seed and trading day (the symbol's own rows in raw.prices).
    raw.prices also holds the prices of index and fund members (raw.constituents); those go
    through int_member_returns_daily instead, so this mart keeps only the seed's instruments.
    Every return is a direct ratio of two return prices (never a compounded product), so it
    matches a plain pandas computation to floating-point precision.
-#}

with prices as (

    select * from {{ ref('stg_raw__prices') }}

),

instruments as (

    select * from {{ ref('instruments') }}

),

-- the seed's instruments only: member prices share raw.prices but are not instruments
instrument_prices as (

    select prices.*
    from prices
    inner join instruments
        on instruments.symbol = prices.symbol

),

-- returns use the total-return close where the provider has one, else the close
return_prices as (

    select
        symbol,
        price_date,
        close,
        adj_close,
        coalesce(adj_close, close) as return_price,
        cast({{ dbt.date_trunc('month', 'price_date') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'price_date') }} as date) as quarter_start,
        cast({{ dbt.date_trunc('year', 'price_date') }} as date) as year_start
    from instrument_prices

),

symbol_windows as (

    select
        *,
        lag(return_price) over (
            partition by symbol order by price_date
        ) as previous_return_price,
        first_value(return_price) over (
            partition by symbol order by price_date
            rows between unbounded preceding and current row
        ) as first_return_price,
        max(return_price) over (
            partition by symbol order by price_date
            rows between unbounded preceding and current row
        ) as running_max_return_price
    from return_prices

),

-- the base of a period return is the return price of the last trading day before the period:
-- the previous row's price as seen from the period's first row. It is null in the symbol's
-- first (partial) period, which has no prior period end.
period_bases as (

    select
        *,
        first_value(previous_return_price) over (
            partition by symbol, month_start order by price_date
            rows between unbounded preceding and current row
        ) as month_base_return_price,
        first_value(previous_return_price) over (
            partition by symbol, quarter_start order by price_date
            rows between unbounded preceding and current row
        ) as quarter_base_return_price,
        first_value(previous_return_price) over (
            partition by symbol, year_start order by price_date
            rows between unbounded preceding and current row
        ) as year_base_return_price
    from symbol_windows

),

final as (

    select
        -- grain
        symbol,
        price_date,

        -- prices
        close,
        adj_close,
        return_price,
        100 * return_price / first_return_price as tr_index,

        -- returns (fractions)
        return_price / previous_return_price - 1 as ret_1d,
        return_price / month_base_return_price - 1 as ret_mtd,
        return_price / quarter_base_return_price - 1 as ret_qtd,
        return_price / year_base_return_price - 1 as ret_ytd,

        -- risk
        return_price / running_max_return_price - 1 as drawdown

    from period_bases

)

select * from final
