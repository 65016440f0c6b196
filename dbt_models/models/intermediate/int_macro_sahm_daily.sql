{#-
    One row per trading day on which an unemployment rate is known: the latest published
    month, its calendar 3-month average and the Sahm-rule indicator, all from the months
    published by that day. See int_macro_sahm_daily.yml for every rule.
-#}

{#- months M-14..M: the 3-month averages of months M-12..M each need two earlier months -#}
{%- set window_months = 15 -%}
{%- set prior_months = 12 -%}
{%- set min_months_in_average = 2 -%}

with as_of as (

    select * from {{ ref('int_macro_series_asof') }}
    where series_id = 'UNRATE' and observation_date is not null

),

observations as (

    select * from {{ ref('int_macro_observations_published') }}
    where series_id = 'UNRATE'

),

months_back as (

    {% for k in range(window_months) -%}
        select {{ k }} as months_back{{ " union all" if not loop.last }}
    {% endfor %}

),

-- one row per trading day and CALENDAR month M-14..M (M: the latest published month), so a
-- month that was never published is a row without a value: later months do not shift up
window_months as (

    select
        as_of.trading_date,
        as_of.observation_date as unrate_month_date,
        months_back.months_back,
        cast(
            {{ dbt.dateadd('month', '-months_back.months_back', 'as_of.observation_date') }}
            as date
        ) as window_month_date
    from as_of
    cross join months_back

),

-- the value of each month, if it was published by the trading day
known_values as (

    select
        window_months.*,
        observations.value as unrate_pct
    from window_months
    left join observations
        on
            window_months.window_month_date = observations.observation_date
            and observations.published_date <= window_months.trading_date

),

-- 3-month average of month m: mean of the known values of m, m-1, m-2; null unless at least
-- {{ min_months_in_average }} of the three are known
averages as (

    select
        *,
        count(unrate_pct) over (
            partition by trading_date order by window_month_date
            rows between 2 preceding and current row
        ) as unrate_3m_avg_month_count,
        avg(unrate_pct) over (
            partition by trading_date order by window_month_date
            rows between 2 preceding and current row
        ) as unrate_3m_avg_any_pct
    from known_values

),

gated_averages as (

    select
        *,
        case
            when unrate_3m_avg_month_count >= {{ min_months_in_average }}
                then unrate_3m_avg_any_pct
        end as unrate_3m_avg_pct
    from averages

),

prior_windows as (

    select
        *,
        min(unrate_3m_avg_pct) over (
            partition by trading_date order by window_month_date
            rows between {{ prior_months }} preceding and 1 preceding
        ) as prior_min_pct,
        count(unrate_3m_avg_pct) over (
            partition by trading_date order by window_month_date
            rows between {{ prior_months }} preceding and 1 preceding
        ) as prior_count
    from gated_averages

),

final as (

    select
        trading_date,
        unrate_month_date,
        unrate_pct,
        unrate_3m_avg_pct,
        unrate_3m_avg_month_count,
        case
            when prior_count = {{ prior_months }} then prior_min_pct
        end as unrate_3m_avg_prior_12m_min_pct,
        unrate_3m_avg_pct - case
            when prior_count = {{ prior_months }} then prior_min_pct
        end as sahm_indicator_pp
    from prior_windows
    where months_back = 0

)

select * from final
