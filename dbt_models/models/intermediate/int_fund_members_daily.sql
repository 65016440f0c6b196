{#-
    One row per fund, member and trading day on which the member is in the fund at the close
    (is_member: the snapshot in force at the day's close lists it) or was at the previous close
    (is_held_overnight: the day's return is earned by the fund). Both breadth and concentration
    marts aggregate this table; see the yml for the formulas.

    Every join is an equality join of the member price days to small tables (snapshot in force
    per fund and day; holdings per snapshot), so the engine streams the member prices through
    hash tables: no sort, no range or as-of join on the large side.

    Materialized as a table (intermediate models are views by default): it is the one large
    step of the breadth marts (members x days), and both marts read it.
-#}

{{ config(materialized='table') }}

with member_returns as (

    select * from {{ ref('int_member_returns_daily') }}

),

holdings as (

    select * from {{ ref('int_fund_holdings') }}

),

snapshot_days as (

    select * from {{ ref('int_fund_snapshot_days') }}

),

fund_symbols as (

    select distinct
        fund,
        symbol
    from holdings

),

-- each member's price days, once per fund that ever held it, with the snapshots in force at
-- the day's close and at the previous price day's close
joined as (

    select
        fund_symbols.fund,
        member_returns.symbol,
        member_returns.price_date,
        today.snapshot_date,
        held_today.symbol is not null as is_member,
        held_before.symbol is not null as is_held_overnight,
        held_today.weight_frac * member_returns.return_price
        / held_today.snapshot_return_price as drifted_weight,
        held_before.weight_frac * member_returns.previous_return_price
        / held_before.snapshot_return_price as previous_drifted_weight,
        member_returns.return_price,
        member_returns.ret_1d,
        member_returns.ret_63d,
        member_returns.is_above_ma_50,
        member_returns.is_above_ma_200,
        member_returns.is_new_high_252d,
        member_returns.is_new_low_252d
    from member_returns
    inner join fund_symbols
        on fund_symbols.symbol = member_returns.symbol
    inner join snapshot_days as today
        on
            today.fund = fund_symbols.fund
            and today.trading_date = member_returns.price_date
    left join holdings as held_today
        on
            held_today.fund = fund_symbols.fund
            and held_today.effective_date = today.effective_date
            and held_today.symbol = member_returns.symbol
    left join snapshot_days as yesterday
        on
            yesterday.fund = fund_symbols.fund
            and yesterday.trading_date = member_returns.previous_price_date
    left join holdings as held_before
        on
            held_before.fund = fund_symbols.fund
            and held_before.effective_date = yesterday.effective_date
            and held_before.symbol = member_returns.symbol

),

final as (

    select
        -- grain
        fund,
        symbol,
        price_date,

        -- membership
        snapshot_date,
        is_member,
        is_held_overnight,

        -- weights, not normalized (see the yml)
        drifted_weight,
        previous_drifted_weight,

        -- the member's own history (int_member_returns_daily)
        return_price,
        ret_1d,
        ret_63d,
        is_above_ma_50,
        is_above_ma_200,
        is_new_high_252d,
        is_new_low_252d

    from joined
    where is_member or is_held_overnight

)

select * from final
