{#-
    One row per fund, holdings snapshot and member, each snapshot dated on the trading day whose
    close it describes (effective_date), with the member's return price at that close (or its
    last price before it): the base its weight drifts from. See the yml.

    Materialized as a table (intermediate models are views by default): it is small (the size
    of raw.constituents) and int_fund_members_daily reads it three times while joining tens of
    millions of member price days to it; as a table the engine knows its size and builds its
    hash tables on it, not on the member days.
-#}

{{ config(materialized='table') }}

with constituents as (

    select * from {{ ref('stg_raw__constituents') }}

),

prices as (

    select * from {{ ref('stg_raw__prices') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

-- the first weekday after the calendar's last day: a snapshot dated on it or later describes a
-- close whose prices are not loaded yet, and waits for them (a market holiday cannot be told
-- from a day whose prices are late); one dated on the weekend after Friday's prices describes
-- Friday's close
calendar_end as (

    select
        max(trading_date)
        + case {{ iso_weekday('max(trading_date)') }}
            when 5 then 3
            when 6 then 2
            else 1
        end as next_weekday
    from trading_days

),

fund_snapshots as (

    select distinct
        fund,
        snapshot_date
    from constituents
    where snapshot_date < (select calendar_end.next_weekday from calendar_end)

),

-- the trading day whose close a snapshot describes: a snapshot dated on a weekend or holiday
-- describes the close before it (a snapshot before the first trading day keeps its own date)
snapshot_trading_days as (

    {{ macro_asof_join(
        'fund_snapshots', 'snapshot_date', 'trading_days', 'trading_date', ['trading_date']
    ) }}

),

-- one snapshot per fund and trading day: the latest-dated (two dated on one weekend)
effective_snapshots as (

    select
        fund,
        snapshot_date,
        effective_date
    from (
        select
            fund,
            snapshot_date,
            coalesce(trading_date, snapshot_date) as effective_date,
            row_number() over (
                partition by fund, coalesce(trading_date, snapshot_date)
                order by snapshot_date desc
            ) as snapshot_rank
        from snapshot_trading_days
    ) as ranked_snapshots
    where snapshot_rank = 1

),

holdings as (

    select
        constituents.fund,
        effective_snapshots.effective_date,
        constituents.symbol,
        constituents.snapshot_date,
        constituents.weight_frac,
        prices.price_date,
        coalesce(prices.adj_close, prices.close) as return_price
    from constituents
    inner join effective_snapshots
        on
            effective_snapshots.fund = constituents.fund
            and effective_snapshots.snapshot_date = constituents.snapshot_date
    left join prices
        on
            prices.symbol = constituents.symbol
            and prices.price_date = effective_snapshots.effective_date

),

-- the members without a price on the close their snapshot describes (halted that day, or
-- the price is missing), and the trading-day prices of those symbols only (the days of the
-- member's returns): an as-of join sorts both sides, so it is not run on every member price
unpriced as (

    select
        fund,
        effective_date,
        symbol
    from holdings
    where price_date is null

),

unpriced_symbol_prices as (

    -- read directly: a CTE read twice is materialized whole by DuckDB, every price row
    select
        prices.symbol,
        prices.price_date as last_price_date,
        coalesce(prices.adj_close, prices.close) as last_return_price
    from {{ ref('stg_raw__prices') }} as prices
    -- a join to the distinct symbols, not a semi join to the rows: the engine then builds its
    -- hash table on them, not on the prices (cheap at scale when there are none)
    inner join (select distinct symbol from unpriced) as unpriced_symbols  -- noqa: ST05
        on unpriced_symbols.symbol = prices.symbol
    semi join trading_days
        on trading_days.trading_date = prices.price_date

),

-- their last price before that close: the value an index provider carries a halted stock at
last_prices as (

    {{ macro_asof_join(
        'unpriced', 'effective_date', 'unpriced_symbol_prices', 'last_price_date',
        ['last_price_date', 'last_return_price'], ['symbol']
    ) }}

),

final as (

    select
        -- grain
        holdings.fund,
        holdings.effective_date,
        holdings.symbol,

        holdings.snapshot_date,
        holdings.weight_frac,
        coalesce(holdings.price_date, last_prices.last_price_date) as snapshot_price_date,
        coalesce(holdings.return_price, last_prices.last_return_price) as snapshot_return_price
    from holdings
    left join last_prices
        on
            last_prices.fund = holdings.fund
            and last_prices.effective_date = holdings.effective_date
            and last_prices.symbol = holdings.symbol

)

select * from final
