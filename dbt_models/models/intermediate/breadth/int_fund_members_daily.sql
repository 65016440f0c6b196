{#-
    One row per fund, member and trading day on which the member is in the fund at the close
    (is_member: the snapshot in force at the day's close lists it) or was at the previous close
    (is_held_overnight: the day's return is earned by the fund). Both breadth and concentration
    marts aggregate this table; see the yml for the formulas.

    Every join is an equality join of the member price days to small tables (snapshot in force
    per fund and day; holdings per snapshot), so the engine streams the member prices through
    hash tables: no sort, no range or as-of join on the large side.

    Incremental (see the yml): a build replaces the rows from the first day that a change since
    the table's last build reaches, and keeps the rows before it.
-#}

{{ config(materialized='incremental', **replace_from_config('price_date')) }}

-- depends_on: {{ ref('stg_raw__prices') }} (read only by an incremental build)

{%- set version = code_version(member_return_vars()) %}

with holdings as (

    select * from {{ ref('int_fund_holdings') }}

),

snapshot_days as (

    select * from {{ ref('int_fund_snapshot_days') }}

),

-- raw.load_log (dagster_project/warehouse/loadlog.py: one row per load of a raw table) is read
-- by its name, not as a dbt source: a source becomes an asset key in Dagster, and this
-- bookkeeping table is no asset (`--select key:raw/*` would refuse a key it cannot materialize)
loads as (

    select * from raw.load_log

),

-- constituents and trading_days: read by the incremental build only, but declared here, where
-- dbt sees their refs when it parses (is_incremental() is false then)
constituents as (  -- noqa: ST03

    select * from {{ ref('stg_raw__constituents') }}

),

trading_days as (  -- noqa: ST03

    select * from {{ ref('int_trading_days') }}

),

-- when each trading day joined the calendar (raw.trading_calendar, written after the loads)
calendar as (

    select * from {{ ref('stg_raw__trading_calendar') }}

),
{%- if is_incremental() %}

-- what the table's rows were built from: the loads up to its last build, and the code then
built as (

    select
        {{ replace_from_built('inputs_loaded_at', version) | trim | indent(4) }},
        -- a day that stopped being a trading day (the calendar starts later, or ends earlier
        -- after a full refresh: see int_trading_days)
        exists (
            select 1 from {{ this }} as kept
            anti join trading_days on trading_days.trading_date = kept.price_date
        ) as has_dropped_days
    from {{ this }}

),

-- the first day that a change since then reaches: a price of any symbol written after it, a day
-- added to the calendar after it (the calendar follows the instruments, ETFs and macro series, so a
-- member's prices may be loaded before their day is a trading day), a holdings row written after it
-- (from its snapshot's effective date), members dropped from a snapshot after it (from the
-- effective date of the load's first snapshot), a kept day whose snapshot in force is no longer the
-- one its rows were built with (one dated on a market holiday takes effect at the close before it
-- once the calendar passes it: see int_fund_holdings). A price reaches its own day and later ones
-- (windows, returns, and the weights of the snapshot whose base it is); a snapshot, the days it is
-- in force. Every day, when the table is empty, was built by other code, has a day that is no
-- longer a trading day, or a full refresh deleted prices since (a history replaced: its gone days
-- are nowhere else): from its first day (or the calendar's, if earlier) on.
-- (the subqueries read `built` as a subquery of their own, not as the outer row: Spark refuses
-- an outer column in a range condition)
first_changed as (

    select
        case
            when
                built.loaded_at is null
                or built.is_other_code
                or built.has_dropped_days
                or exists (
                    select 1 from loads
                    where
                        loads.table_name = 'raw.prices'
                        and loads.rows_deleted > 0
                        and loads.finished_at > (select loaded_at from built)
                )
                then least(built.first_day, (select min(trading_date) from trading_days))
            else least(
                (
                    -- read directly: a CTE read twice (here and in the windows) is
                    -- materialized whole by DuckDB, every price row
                    select min(price_date) from {{ ref('stg_raw__prices') }}
                    where loaded_at > (select loaded_at from built)
                ),
                (
                    select min(trading_date) from calendar
                    where loaded_at > (select loaded_at from built)
                ),
                (
                    -- the changed snapshots first: holdings joined to every changed row
                    -- would pair each member of a snapshot with every other
                    select min(holdings.effective_date)
                    from holdings
                    semi join (
                        select distinct
                            fund,
                            snapshot_date
                        from constituents
                        where loaded_at > (select loaded_at from built)
                    ) as changed
                        on
                            changed.fund = holdings.fund
                            and changed.snapshot_date = holdings.snapshot_date
                ),
                (
                    select min(coalesce(
                        (
                            select max(trading_days.trading_date) from trading_days
                            where trading_days.trading_date <= loads.min_date
                        ),
                        loads.min_date
                    ))
                    from loads
                    where
                        loads.table_name = 'raw.constituents'
                        and loads.rows_deleted > 0
                        and loads.finished_at > (select loaded_at from built)
                ),
                (
                    select min(kept.price_date)
                    from (select distinct fund, price_date, snapshot_date from {{ this }}) as kept
                    anti join snapshot_days
                        on
                            snapshot_days.fund = kept.fund
                            and snapshot_days.trading_date = kept.price_date
                            and snapshot_days.snapshot_date = kept.snapshot_date
                )
            )
        end as price_date
    from built

),

-- from the first day of the partition holding it (macros/replace_from.sql: Spark rewrites whole
-- partitions; DuckDB starts from that day)
changed_from as (

    select {{ replace_from_partition_start('price_date') }} as price_date
    from first_changed

),

-- the members' windows on the days from then on only (see the macro)
member_returns as (

    {{ member_returns(
        ref('stg_raw__prices'), 'constituents', 'trading_days',
        since='(select price_date from changed_from)',
    ) | trim | indent(4) }}

),
{%- else %}

-- the lint sees only this branch (a full build), and would indent it alone
-- noqa: disable=LT02
member_returns as (

    select * from {{ ref('int_member_returns_daily') }}

),
-- noqa: enable=LT02
{%- endif %}

fund_symbols as (

    select distinct
        fund,
        symbol
    from holdings

),

-- each member's price days, once per fund that ever held it, with the snapshots in force at
-- the day's close and at the previous trading day's close (a member halted across a snapshot
-- earns its return for the fund only if the fund held it overnight)
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
    left join holdings as held_before
        on
            held_before.fund = fund_symbols.fund
            and held_before.effective_date = today.previous_effective_date
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
        is_new_low_252d,

        -- what the row was built from (see the yml)
        greatest(
            (select max(loads.finished_at) from loads),
            (select max(calendar.loaded_at) from calendar)
        ) as inputs_loaded_at,
        '{{ version }}' as model_version,
        {%- if is_incremental() %}
            (select price_date from changed_from) as rebuilt_from
        {%- else %}
            cast(null as date) as rebuilt_from
        {%- endif %}
        {{ replace_from_partition_column('price_date') }}  -- noqa: LT02

    from joined
    where
        (is_member or is_held_overnight)  -- noqa: LT02
        {%- if is_incremental() %}
            and price_date >= (select price_date from changed_from)
        {%- endif %}

)

select * from final
