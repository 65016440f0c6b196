{#-
    The US equity trading calendar of the marts, one row per day: the days of raw.trading_calendar
    (NYSE trading days through the latest day any instrument, ETF or macro series has reached;
    written by the asset raw/trading_calendar), numbered in date order. No instrument's prices
    decide it: a stale or missing one ends only its own pairs and columns.

    Materialized as a table (intermediate models are views by default): most daily models read
    it, some several times, and it is tiny.
-#}

{{ config(materialized='table') }}

with calendar as (

    select * from {{ ref('stg_raw__trading_calendar') }}

),

final as (

    select
        trading_date,
        row_number() over (order by trading_date) as trading_day_index
    from calendar

)

select * from final
