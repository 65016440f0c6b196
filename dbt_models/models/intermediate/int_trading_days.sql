{#-
    The US equity trading calendar of the marts, one row per day: the distinct price dates of
    the instruments seed's large-cap index (kind = 'index', segment = 'large': ^GSPC, which
    prices on every NYSE trading day), numbered in date order. If that index is not loaded at
    all, every distinct price date of any symbol.
-#}

with prices as (

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
    from prices
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
