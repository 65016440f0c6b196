{#-
    One row per pair and common trading day: the days on which both the small and the large
    leg of the pair have a price. Only those days count as "trading days" of the pair.
-#}

with pairs as (

    select * from {{ ref('pairs') }}

),

prices as (

    select * from {{ ref('fct_prices_daily') }}

),

joined as (

    select
        pairs.pair_id,
        small_leg.price_date as rotation_date,
        pairs.small_symbol,
        pairs.large_symbol,
        small_leg.return_price as small_return_price,
        large_leg.return_price as large_return_price,
        small_leg.ret_ytd as small_ret_ytd,
        large_leg.ret_ytd as large_ret_ytd
    from pairs
    inner join prices as small_leg
        on small_leg.symbol = pairs.small_symbol
    inner join prices as large_leg
        on
            large_leg.symbol = pairs.large_symbol
            and large_leg.price_date = small_leg.price_date

)

select * from joined
