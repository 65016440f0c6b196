{#-
    One row per ETF and share date: the daily creation/redemption flow in USD,
    flow_t = (shares_outstanding_t - shares_outstanding_{t-1}) * nav_t, where t-1 is the
    previous trading day, and its rolling and year-to-date sums. See fct_etf_flows_daily.yml.

    Trading days are the marts' calendar (int_trading_days). A flow exists only when the ETF's
    previous row is exactly the previous trading day and both share counts and today's NAV are
    known: a gap in the share history gives no flow (null), never the sum of several days'
    flows.
-#}

with shares as (

    select * from {{ ref('stg_raw__etf_shares') }}

),

instruments as (

    select * from {{ ref('instruments') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

-- share rows on trading days only: a row on another date is kept in the mart but takes no
-- part in the flow chain (it neither gets a flow nor breaks its neighbours')
trading_rows as (

    select
        shares.symbol,
        shares.share_date,
        shares.shares_outstanding,
        shares.nav_usd,
        trading_days.trading_day_index,
        cast({{ dbt.date_trunc('year', 'shares.share_date') }} as date) as year_start,
        -- fund assets: the reported total net assets, else shares x NAV
        coalesce(
            shares.total_net_assets_usd, shares.shares_outstanding * shares.nav_usd
        ) as assets_usd
    from shares
    inner join trading_days
        on trading_days.trading_date = shares.share_date

),

previous_rows as (

    select
        *,
        lag(trading_day_index) over (
            partition by symbol order by share_date
        ) as previous_row_trading_day_index,
        lag(shares_outstanding) over (
            partition by symbol order by share_date
        ) as previous_row_shares_outstanding,
        lag(assets_usd) over (
            partition by symbol order by share_date
        ) as previous_row_assets_usd
    from trading_rows

),

-- the previous row counts only if it is exactly the previous trading day
previous_day as (

    select
        *,
        case
            when previous_row_trading_day_index = trading_day_index - 1
                then previous_row_shares_outstanding
        end as previous_shares_outstanding,
        case
            when previous_row_trading_day_index = trading_day_index - 1
                then previous_row_assets_usd
        end as previous_total_net_assets_usd
    from previous_rows

),

daily_flows as (

    select
        *,
        (shares_outstanding - previous_shares_outstanding) * nav_usd as flow_usd
    from previous_day

),

-- a non-null flow implies its previous row is the previous trading day, so N non-null flows
-- in N consecutive rows are N consecutive trading days: the rolling sums need all of them
rolling_flows as (

    select
        *,
        case
            when
                count(flow_usd) over (
                    partition by symbol order by share_date
                    rows between 4 preceding and current row
                ) = 5
                then sum(flow_usd) over (
                    partition by symbol order by share_date
                    rows between 4 preceding and current row
                )
        end as flow_5d_usd,
        case
            when
                count(flow_usd) over (
                    partition by symbol order by share_date
                    rows between 20 preceding and current row
                ) = 21
                then sum(flow_usd) over (
                    partition by symbol order by share_date
                    rows between 20 preceding and current row
                )
        end as flow_21d_usd,
        sum(flow_usd) over (
            partition by symbol, year_start order by share_date
            rows between unbounded preceding and current row
        ) as flow_ytd_usd,
        count(flow_usd) over (
            partition by symbol, year_start order by share_date
            rows between unbounded preceding and current row
        ) as flow_ytd_days
    from daily_flows

),

final as (

    select
        -- grain
        shares.symbol,
        shares.share_date,
        instruments.segment,
        rolling_flows.trading_day_index is not null as is_trading_day,

        -- fund data
        shares.shares_outstanding,
        shares.nav_usd,
        shares.total_net_assets_usd,
        rolling_flows.previous_shares_outstanding,
        rolling_flows.previous_total_net_assets_usd,

        -- flows (USD)
        rolling_flows.flow_usd,
        rolling_flows.flow_usd
        / nullif(rolling_flows.previous_total_net_assets_usd, 0) * 100 as flow_pct_of_assets,
        rolling_flows.flow_5d_usd,
        rolling_flows.flow_21d_usd,
        rolling_flows.flow_ytd_usd,
        coalesce(rolling_flows.flow_ytd_days, 0) as flow_ytd_days

    from shares
    left join rolling_flows
        on
            rolling_flows.symbol = shares.symbol
            and rolling_flows.share_date = shares.share_date
    left join instruments
        on instruments.symbol = shares.symbol

)

select * from final
