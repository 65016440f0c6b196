{#-
    One row per fund and trading day from the fund's first holdings snapshot on: the snapshot in
    force at the day's close (the latest whose effective date is on or before the day), and the
    one in force at the previous trading day's close. Small
    (funds x trading days); int_fund_members_daily joins member price days to it by equality.

    Materialized as a table for the same reason as int_fund_holdings: int_fund_members_daily
    joins the member price days to it, and its hash tables must be built on this side.
-#}

{{ config(materialized='table') }}

with holdings as (

    select * from {{ ref('int_fund_holdings') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

snapshots as (

    select distinct
        fund,
        effective_date,
        snapshot_date
    from holdings

),

fund_days as (

    select
        funds.fund,
        trading_days.trading_date
    from (select distinct fund from snapshots) as funds
    cross join trading_days

),

in_force as (

    {{ macro_asof_join(
        'fund_days', 'trading_date', 'snapshots', 'effective_date',
        ['effective_date', 'snapshot_date'], ['fund']
    ) }}

),

final as (

    select
        fund,
        trading_date,
        effective_date,
        snapshot_date,
        -- the snapshot in force at the previous trading day's close: what the fund held
        -- overnight into this day (null on its first day)
        lag(effective_date) over (
            partition by fund order by trading_date
        ) as previous_effective_date
    from in_force
    where effective_date is not null

)

select * from final
