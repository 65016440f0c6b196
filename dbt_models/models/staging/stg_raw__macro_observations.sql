with source as (

    select * from {{ source('raw', 'macro_observations') }}

),

renamed as (

    select
        cast(series_id as {{ dbt.type_string() }}) as series_id,
        cast({{ adapter.quote('date') }} as date) as observation_date,
        cast(value as {{ type_double() }}) as value,
        cast(realtime_start as date) as realtime_start,
        cast(realtime_kind as {{ dbt.type_string() }}) as realtime_kind,
        cast(source as {{ dbt.type_string() }}) as source,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

)

select * from renamed
