with source as (

    select * from {{ source('raw', 'etf_shares') }}

),

renamed as (

    select
        cast(symbol as {{ dbt.type_string() }}) as symbol,
        cast({{ adapter.quote('date') }} as date) as share_date,
        cast(shares_outstanding as {{ type_double() }}) as shares_outstanding,
        cast(nav as {{ type_double() }}) as nav_usd,
        cast(total_net_assets as {{ type_double() }}) as total_net_assets_usd,
        cast(source as {{ dbt.type_string() }}) as source,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from source

)

select * from renamed
