{#-
    member_returns(prices, constituents, trading_days, since=none): the select of
    int_member_returns_daily (see its yml for every column) over the relations (or CTE names)
    given for stg_raw__prices, stg_raw__constituents and int_trading_days: each member's price
    rows on trading days, with every window over its own rows. All windows share one partition
    and order (symbol, price_date), so the engine sorts the member prices once.

    since (a SQL expression of a date, or none): only the days from it on are needed (the
    incremental build of int_fund_members_daily). The windows then read each member's rows
    from twice the longest window of trading days before it: exact, because a member with
    older rows has at least the longest window's worth of rows in that stretch before `since`
    (its frames, lags and row counts reach no further back), or it has a long gap there and is
    read whole. The rows before `since` it returns are that lookback, not to be used.
-#}
{% macro member_returns(prices, constituents, trading_days, since=none) -%}

{%- set ma_short_days = var('breadth_ma_short_days') | int -%}
{%- set ma_long_days = var('breadth_ma_long_days') | int -%}
{%- set high_low_days = var('breadth_high_low_days') | int -%}
{%- set participation_days = var('breadth_participation_days') | int -%}
{%- set reach = [ma_short_days, ma_long_days, high_low_days + 1, participation_days + 1] | max %}

{#- members only (the seed's instruments are in fct_prices_daily), on the marts' trading days;
    returns use the total-return close where the provider has one, else the close. Written out
    where it is read (twice with `since`): DuckDB would materialize a CTE read twice, every
    member price. -#}
{%- set member_prices -%}
    select
        prices.symbol,
        prices.price_date,
        coalesce(prices.adj_close, prices.close) as return_price
    from {{ prices }} as prices
    inner join (select distinct symbol from {{ constituents }}) as member_symbols
        on member_symbols.symbol = prices.symbol
    inner join {{ trading_days }} as trading_days
        on trading_days.trading_date = prices.price_date
{%- endset %}

with
{%- if since is none %}

window_input as (

    {{ member_prices | indent(4) }}

),
{%- else %}

-- the first day of the lookback: twice the longest window of trading days before `since`
lookback as (

    select min(trading_date) as first_day
    from {{ trading_days }}
    where trading_day_index >= (
        select min(trading_day_index) from {{ trading_days }} where trading_date >= {{ since }}
    ) - {{ 2 * reach }}

),

-- each member's rows before `since` in the lookback, and whether it has older ones
member_spans as (

    select
        member_prices.symbol,
        count(
            case when member_prices.price_date >= lookback.first_day then 1 end
        ) as lookback_rows,
        bool_or(member_prices.price_date < lookback.first_day) as has_older_rows
    from (
        {{ member_prices | indent(8) }}
    ) as member_prices
    cross join lookback
    where member_prices.price_date < {{ since }}
    group by member_prices.symbol

),

window_input as (

    select member_prices.*
    from (
        {{ member_prices | indent(8) }}
    ) as member_prices
    cross join lookback
    left join member_spans
        on member_spans.symbol = member_prices.symbol
    where
        member_prices.price_date >= lookback.first_day
        or (member_spans.has_older_rows and member_spans.lookback_rows < {{ reach }})

),
{%- endif %}

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
    from window_input

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

{%- endmacro %}

{#- member_return_vars(): the vars member_returns reads, for the code_version of the tables
    built from its rows (a change of one rewrites them without a new load) -#}
{% macro member_return_vars() -%}
    {{- return([
        'breadth_ma_short_days', 'breadth_ma_long_days', 'breadth_high_low_days',
        'breadth_participation_days',
    ]) -}}
{%- endmacro %}
