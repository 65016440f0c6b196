with source as (

    select * from {{ source('raw', 'valuations') }}

),

renamed as (

    select
        cast(symbol as {{ dbt.type_string() }}) as symbol,
        cast({{ adapter.quote('date') }} as date) as valuation_date,
        cast(metric as {{ dbt.type_string() }}) as metric,
        cast(value as {{ type_double() }}) as value,
        cast(source as {{ dbt.type_string() }}) as source,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

)

select * from renamed
