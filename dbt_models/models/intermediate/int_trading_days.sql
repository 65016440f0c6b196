{#-
    The US equity trading calendar of the marts, one row per day: the distinct price dates of
    the instruments seed's large-cap index (kind = 'index', segment = 'large': ^GSPC, which
    prices on every NYSE trading day), numbered in date order. If that index is not loaded at
    all, every distinct price date of any symbol.

    Materialized as a table (intermediate models are views by default): it is tiny, but a view
    would scan raw.prices again in every model that reads it, and with index members loaded
    raw.prices holds tens of millions of rows.
-#}

{{ config(materialized='table') }}

with prices as (

    select * from {{ ref('stg_raw__prices') }}

),

-- the same model again, on purpose: a CTE read twice is materialized whole by DuckDB (every row
-- of raw.prices, 0.35 s at 24 M rows), while a CTE read once is inlined: the calendar's scan
-- then gets the index's symbol pushed into it (1 of 217 row groups in the 24 M-row sample,
-- loaded symbol by symbol), and the fallback's scan is skipped while the calendar has rows
-- (7 ms in all)
fallback_prices as (

    select * from {{ ref('stg_raw__prices') }}

),

instruments as (

    select * from {{ ref('instruments') }}

),

calendar_days as (

    select distinct prices.price_date as trading_date
    from prices
    inner join instruments
        on instruments.symbol = prices.symbol
    where instruments.kind = 'index' and instruments.segment = 'large'

),

fallback_days as (

    select distinct price_date as trading_date
    from fallback_prices
    where not exists (select 1 from calendar_days)

),

days as (

    select trading_date from calendar_days
    union all
    select trading_date from fallback_days

),

final as (

    select
        trading_date,
        row_number() over (order by trading_date) as trading_day_index
    from days

)

select * from final
