with source as (

    select * from {{ source('raw', 'prices') }}

),

renamed as (

    select
        cast(symbol as {{ dbt.type_string() }}) as symbol,
        cast({{ adapter.quote('date') }} as date) as price_date,
        cast(open as {{ type_double() }}) as open,
        cast(high as {{ type_double() }}) as high,
        cast(low as {{ type_double() }}) as low,
        cast(close as {{ type_double() }}) as close,
        cast(adj_close as {{ type_double() }}) as adj_close,
        cast(volume as {{ dbt.type_bigint() }}) as volume,
        cast(source as {{ dbt.type_string() }}) as source,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

)

select * from renamed
