{#-
    One row per index or fund member (a symbol of raw.constituents) and trading day with a
    price, with everything breadth needs from the member's own history: the macro
    member_returns (macros/member_returns.sql), which the incremental build of
    int_fund_members_daily also runs on the recent days only. See the yml for the formulas.
    The window lengths are project vars (breadth_*) only so that unit tests can shrink them;
    the column names carry the defaults (ma_50, ma_200, 252d, 63d).
-#}

with prices as (

    select * from {{ ref('stg_raw__prices') }}

),

constituents as (

    select * from {{ ref('stg_raw__constituents') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

member_returns as (

    {{ member_returns('prices', 'constituents', 'trading_days') | indent(4) }}

)

select * from member_returns
