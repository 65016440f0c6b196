{#-
    One row per calendar month: small-cap vs large-cap P/E, the relative P/E and discount, and
    where the discount stands in its trailing window (percentile, z-score, lookback low).
    See fct_valuation_monthly.yml for every formula.

    The window is the `lookback_months` calendar months ending with the month (this month
    included): round(var('valuation_lookback_years') * 12) = 300 by default. It is a portable
    self-join (every month against the months of its window), not a DuckDB-only construct:
    a percentile against a trailing window cannot be written as one window function.
-#}

{%- set lookback_months = (var('valuation_lookback_years') * 12) | round | int -%}
{#- (output prefix, relative P/E column) for the forward and the trailing measure -#}
{%- set measures = [('', 'relative_forward_pe'), ('trailing_', 'relative_trailing_pe')] -%}

with monthly as (

    select * from {{ ref('int_valuations_monthly') }}

),

relative as (

    select
        *,
        small_forward_pe / nullif(large_forward_pe, 0) as relative_forward_pe,
        small_trailing_pe / nullif(large_trailing_pe, 0) as relative_trailing_pe
    from monthly

),

-- each month against the months of its trailing window, this month included
window_stats as (

    select
        this_month.month_start,
        {% for prefix, relative_col in measures %}
            count(history.{{ relative_col }}) as {{ prefix }}window_months,
            sum(
                case
                    when history.{{ relative_col }} <= this_month.{{ relative_col }} then 1 else 0
                end
            ) as {{ prefix }}at_or_below_count,
            avg(history.{{ relative_col }}) as {{ prefix }}window_mean,
            stddev_samp(history.{{ relative_col }}) as {{ prefix }}window_stddev,
            min(history.{{ relative_col }})
                as {{ prefix }}window_min{% if not loop.last %},{% endif %}
        {% endfor %}
    from relative as this_month
    inner join relative as history
        on
            history.month_start <= this_month.month_start
            and history.month_start > cast(
                {{ dbt.dateadd('month', -lookback_months, 'this_month.month_start') }} as date
            )
    group by this_month.month_start

),

final as (

    select
        -- grain
        relative.month_start,
        relative.small_symbol,
        relative.large_symbol,

        -- P/E of each leg (x earnings)
        relative.small_forward_pe,
        relative.large_forward_pe,
        relative.small_trailing_pe,
        relative.large_trailing_pe,

        -- relative P/E (small / large) and discount
        relative.relative_forward_pe,
        relative.relative_trailing_pe,
        {% for prefix, relative_col in measures %}
            (relative.{{ relative_col }} - 1) * 100 as {{ prefix }}discount_pct,
        {% endfor %}

        -- the discount against its trailing window (sqlfluff reads `window_stats.` followed by an
        -- empty prefix as an unqualified reference)
        -- noqa: disable=RF02
        {% for prefix, relative_col in measures %}
            window_stats.{{ prefix }}window_months,
            case
                when relative.{{ relative_col }} is not null
                    then
                        cast(window_stats.{{ prefix }}at_or_below_count as {{ type_double() }})
                        / window_stats.{{ prefix }}window_months
            end as {{ prefix }}discount_percentile_frac,
            (relative.{{ relative_col }} - window_stats.{{ prefix }}window_mean)
            / nullif(window_stats.{{ prefix }}window_stddev, 0) as {{ prefix }}discount_zscore,
            case
                when relative.{{ relative_col }} is not null
                    then relative.{{ relative_col }} <= window_stats.{{ prefix }}window_min
            end as is_{{ prefix }}lookback_low{% if not loop.last %},{% endif %}
        {% endfor %}
        -- noqa: enable=RF02

    from relative
    inner join window_stats
        on window_stats.month_start = relative.month_start

)

select * from final
