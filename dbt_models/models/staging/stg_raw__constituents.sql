with source as (

    select * from {{ source('raw', 'constituents') }}

),

renamed as (

    select
        cast(fund as {{ dbt.type_string() }}) as fund,
        cast({{ adapter.quote('date') }} as date) as snapshot_date,
        cast(symbol as {{ dbt.type_string() }}) as symbol,
        cast(name as {{ dbt.type_string() }}) as member_name,
        cast(sector as {{ dbt.type_string() }}) as sector,
        cast(weight as {{ type_double() }}) as weight_frac,
        cast(shares as {{ type_double() }}) as shares,
        cast(source as {{ dbt.type_string() }}) as source,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

)

select * from renamed
