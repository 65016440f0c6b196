{#-
    One row per calendar month, with no gaps, from the first to the last month in which the
    small-cap or the large-cap index has a forward or trailing P/E: each leg's P/E as of the
    last observation inside the month. See int_valuations_monthly.yml.

    The legs come from the instruments seed: the index (kind = 'index') of segment 'small'
    and the index of segment 'large' (^RUT and ^GSPC). Portable SQL only: the month spine is
    a cross join of digits (0..9999 months) and month arithmetic uses dbt's cross-database
    dateadd / datediff / date_trunc.
-#}

with valuations as (

    select * from {{ ref('stg_raw__valuations') }}

),

instruments as (

    select * from {{ ref('instruments') }}

),

-- the legs: one row always (null symbols if the seed has no such index). A second index of
-- the same segment would duplicate months, which the grain test on month_start reports.
small_index as (

    select symbol from instruments
    where kind = 'index' and segment = 'small'

),

large_index as (

    select symbol from instruments
    where kind = 'index' and segment = 'large'

),

anchor as (

    select 1 as anchor_key

),

-- one row, even when a leg has no index (its symbol is then null)
legs as (

    select
        small_index.symbol as small_symbol,
        large_index.symbol as large_symbol
    from anchor  -- noqa: ST11
    left join small_index on 1 = 1
    left join large_index on 1 = 1

),

-- every P/E observation of the two legs, ranked within its month: 1 = the month's last
monthly_ranked as (

    select
        valuations.symbol,
        valuations.metric,
        valuations.valuation_date,
        valuations.value,
        cast({{ dbt.date_trunc('month', 'valuations.valuation_date') }} as date) as month_start,
        row_number() over (
            partition by
                valuations.symbol,
                valuations.metric,
                cast({{ dbt.date_trunc('month', 'valuations.valuation_date') }} as date)
            order by valuations.valuation_date desc
        ) as recency_rank
    from valuations
    inner join legs
        on valuations.symbol in (legs.small_symbol, legs.large_symbol)
    where
        valuations.metric in ('forward_pe', 'trailing_pe')
        and valuations.value is not null

),

month_end_values as (

    select
        symbol,
        metric,
        month_start,
        valuation_date,
        value
    from monthly_ranked
    where recency_rank = 1

),

-- a gap-free spine of months between the first and the last observed month
bounds as (

    select
        min(month_start) as first_month,
        max(month_start) as last_month
    from month_end_values

),

digits as (

    select digit_values.digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digit_values (digit)

),

month_offsets as (

    select
        ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit
            as month_offset
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands

),

month_spine as (

    select
        cast({{ dbt.dateadd('month', 'month_offsets.month_offset', 'bounds.first_month') }} as date)
            as month_start
    from bounds
    cross join month_offsets
    where
        month_offsets.month_offset
        <= {{ dbt.datediff('bounds.first_month', 'bounds.last_month', 'month') }}

),

final as (

    select
        month_spine.month_start,
        legs.small_symbol,
        legs.large_symbol,
        small_forward.value as small_forward_pe,
        large_forward.value as large_forward_pe,
        small_trailing.value as small_trailing_pe,
        large_trailing.value as large_trailing_pe
    from month_spine
    cross join legs
    left join month_end_values as small_forward
        on
            small_forward.month_start = month_spine.month_start
            and small_forward.symbol = legs.small_symbol
            and small_forward.metric = 'forward_pe'
    left join month_end_values as large_forward
        on
            large_forward.month_start = month_spine.month_start
            and large_forward.symbol = legs.large_symbol
            and large_forward.metric = 'forward_pe'
    left join month_end_values as small_trailing
        on
            small_trailing.month_start = month_spine.month_start
            and small_trailing.symbol = legs.small_symbol
            and small_trailing.metric = 'trailing_pe'
    left join month_end_values as large_trailing
        on
            large_trailing.month_start = month_spine.month_start
            and large_trailing.symbol = legs.large_symbol
            and large_trailing.metric = 'trailing_pe'

)

select * from final
