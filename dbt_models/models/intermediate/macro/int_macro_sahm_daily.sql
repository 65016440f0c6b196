{#-
    One row per trading day on which an unemployment rate is known: the latest month known,
    its calendar 3-month average and the Sahm-rule indicator, all from the values known that
    day (real time), and the same from the values as revised since (the latest vintages).
    See int_macro_sahm_daily.yml for every rule.
-#}

{#- months M-14..M: the 3-month averages of months M-12..M each need two earlier months -#}
{%- set window_months = 15 -%}
{%- set prior_months = 12 -%}
{%- set min_months_in_average = 2 -%}
{#- the two views of the same months: as known that day, and as revised since -#}
{%- set views = ['', '_revised'] -%}

with as_of as (

    select * from {{ ref('int_macro_series_asof') }}
    where series_id = 'UNRATE' and observation_date is not null

),

vintages as (

    select * from {{ ref('int_macro_vintages') }}
    where series_id = 'UNRATE'

),

months_back as (

    {% for k in range(window_months) -%}
        select {{ k }} as months_back{{ " union all" if not loop.last }}
    {% endfor %}

),

-- one row per trading day and CALENDAR month M-14..M (M: the latest month known), so a
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

-- the value of each month as known on the trading day (its vintage in force), and as
-- revised since (its latest vintage)
known_values as (

    select
        window_months.*,
        in_force.value as unrate_pct,
        revised.value as unrate_revised_pct
    from window_months
    left join vintages as in_force
        on
            in_force.observation_date = window_months.window_month_date
            and {{ vintage_in_force('in_force', 'window_months.trading_date') }}
    left join vintages as revised
        on
            revised.observation_date = window_months.window_month_date
            and revised.is_latest_vintage

),

-- 3-month average of month m: mean of the known values of m, m-1, m-2; null unless at least
-- {{ min_months_in_average }} of the three are known
averages as (

    select
        *,
        {% for view in views -%}
            count(unrate{{ view }}_pct) over three_months
                as unrate_3m_avg{{ view }}_month_count,
            avg(unrate{{ view }}_pct) over three_months
                as unrate_3m_avg{{ view }}_any_pct
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from known_values
    window three_months as (
        partition by trading_date order by window_month_date
        rows between 2 preceding and current row
    )

),

gated_averages as (

    select
        *,
        {% for view in views -%}
            case
                when unrate_3m_avg{{ view }}_month_count >= {{ min_months_in_average }}
                    then unrate_3m_avg{{ view }}_any_pct
            end as unrate_3m_avg{{ view }}_pct
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from averages

),

prior_windows as (

    select
        *,
        {% for view in views -%}
            min(unrate_3m_avg{{ view }}_pct) over prior_year
                as prior{{ view }}_min_pct,
            count(unrate_3m_avg{{ view }}_pct) over prior_year
                as prior{{ view }}_count
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from gated_averages
    window prior_year as (
        partition by trading_date order by window_month_date
        rows between {{ prior_months }} preceding and 1 preceding
    )

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
        end as sahm_indicator_pp,
        unrate_revised_pct,
        unrate_3m_avg_revised_pct - case
            when prior_revised_count = {{ prior_months }} then prior_revised_min_pct
        end as sahm_indicator_revised_pp
    from prior_windows
    where months_back = 0

)

select * from final
