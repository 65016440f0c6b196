{#-
    One row per fund, holdings snapshot and member, each snapshot dated on the trading day whose
    close it describes (effective_date), with the member's return price at that close: the base
    its weight drifts from. See the yml.

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
        + case isodow(max(trading_date)) when 5 then 3 when 6 then 2 else 1 end as next_weekday
    from trading_days

),

fund_snapshots as (

    select distinct
        fund,
        snapshot_date
    from constituents
    where snapshot_date < (select next_weekday from calendar_end)

),

-- the trading day whose close a snapshot describes: a snapshot dated on a weekend or holiday
-- describes the close before it (a snapshot before the first trading day keeps its own date)
snapshot_trading_days as (

    {{ macro_asof_join('fund_snapshots', 'snapshot_date', 'trading_days', 'trading_date', ['trading_date']) }}

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

final as (

    select
        -- grain
        constituents.fund,
        effective_snapshots.effective_date,
        constituents.symbol,

        constituents.snapshot_date,
        constituents.weight_frac,
        coalesce(prices.adj_close, prices.close) as snapshot_return_price
    from constituents
    inner join effective_snapshots
        on
            effective_snapshots.fund = constituents.fund
            and effective_snapshots.snapshot_date = constituents.snapshot_date
    left join prices
        on
            prices.symbol = constituents.symbol
            and prices.price_date = effective_snapshots.effective_date

)

select * from final
