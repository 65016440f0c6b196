with source as (

    select * from {{ source('raw', 'trading_calendar') }}

),

renamed as (

    select
        cast(trading_date as date) as trading_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

)

select * from renamed
