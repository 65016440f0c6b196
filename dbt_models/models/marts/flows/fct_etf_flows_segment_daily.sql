{#-
    One row per trading day: the ETF flows of the small-cap ETFs against the large-cap ETFs
    (segment 'small' vs 'large' of the instruments seed), their rolling and year-to-date sums
    and small minus large. See fct_etf_flows_segment_daily.yml for every formula.
-#}

{%- set segments = ['small', 'large'] -%}
{%- set rolling_days = [5, 21] -%}

with flows as (

    select * from {{ ref('fct_etf_flows_daily') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

segment_flows as (

    select * from flows
    where segment in ('small', 'large')

),

-- every trading day from the first to the last share date of a small- or large-cap ETF
bounds as (

    select
        min(share_date) as first_date,
        max(share_date) as last_date
    from segment_flows

),

days as (

    select
        trading_days.trading_date,
        cast({{ dbt.date_trunc('year', 'trading_days.trading_date') }} as date) as year_start
    from trading_days
    inner join bounds
        on trading_days.trading_date between bounds.first_date and bounds.last_date

),

-- segment totals of the day: the sum of the flows that exist (null when none does)
daily as (

    select
        days.trading_date as flow_date,
        days.year_start,
        {% for segment in segments %}
            count(
                case when segment_flows.segment = '{{ segment }}' then segment_flows.flow_usd end
            ) as {{ segment }}_etf_count,
            sum(
                case when segment_flows.segment = '{{ segment }}' then segment_flows.flow_usd end
            ) as {{ segment }}_flow_usd,
            -- the previous day's assets of the ETFs whose flow is in the sum
            count(
                case
                    when
                        segment_flows.segment = '{{ segment }}'
                        and segment_flows.flow_usd is not null
                        then segment_flows.previous_total_net_assets_usd
                end
            ) as {{ segment }}_assets_count,
            sum(
                case
                    when
                        segment_flows.segment = '{{ segment }}'
                        and segment_flows.flow_usd is not null
                        then segment_flows.previous_total_net_assets_usd
                end
            ) as {{ segment }}_previous_assets_usd{% if not loop.last %},{% endif %}
        {% endfor %}
    from days
    left join segment_flows
        on segment_flows.share_date = days.trading_date
    group by days.trading_date, days.year_start

),

-- each day's flow as % of the segment's previous-day assets (null unless every ETF in the
-- day's sum has them)
daily_pct as (

    select
        *,
        {% for segment in segments %}
            case
                when {{ segment }}_assets_count = {{ segment }}_etf_count
                    then {{ segment }}_flow_usd / nullif({{ segment }}_previous_assets_usd, 0) * 100
            end as {{ segment }}_flow_pct_of_assets{% if not loop.last %},{% endif %}
        {% endfor %}
    from daily

),

-- rolling sums need the segment's value on every day of the window; YTD sums what exists
rolling as (

    select
        *,
        {% for segment in segments %}
            {% for n in rolling_days %}
                {% for unit in ['usd', 'pct_of_assets'] %}
                    case
                        when
                            count({{ segment }}_flow_{{ unit }}) over (
                                order by flow_date
                                rows between {{ n - 1 }} preceding and current row
                            ) = {{ n }}
                            then sum({{ segment }}_flow_{{ unit }}) over (
                                order by flow_date
                                rows between {{ n - 1 }} preceding and current row
                            )
                    end as {{ segment }}_flow_{{ n }}d_{{ unit }},
                {% endfor %}
            {% endfor %}
            sum({{ segment }}_flow_usd) over (
                partition by year_start order by flow_date
                rows between unbounded preceding and current row
            ) as {{ segment }}_flow_ytd_usd{% if not loop.last %},{% endif %}
        {% endfor %}
    from daily_pct

),

final as (

    select
        -- grain
        flow_date,

        -- how many ETFs have a flow today
        small_etf_count,
        large_etf_count,

        -- daily flows (USD) and as % of the segment's assets
        small_flow_usd,
        large_flow_usd,
        small_flow_usd - large_flow_usd as small_minus_large_flow_usd,
        small_flow_pct_of_assets,
        large_flow_pct_of_assets,

        -- rolling sums: USD, and percent of the segment's assets (sums of the daily percents)
        {% for n in rolling_days %}
            small_flow_{{ n }}d_usd,
            large_flow_{{ n }}d_usd,
            small_flow_{{ n }}d_usd - large_flow_{{ n }}d_usd
                as small_minus_large_flow_{{ n }}d_usd,
            small_flow_{{ n }}d_pct_of_assets,
            large_flow_{{ n }}d_pct_of_assets,
            small_flow_{{ n }}d_pct_of_assets - large_flow_{{ n }}d_pct_of_assets
                as small_minus_large_flow_{{ n }}d_pp,
        {% endfor %}

        -- year to date (USD)
        small_flow_ytd_usd,
        large_flow_ytd_usd,
        small_flow_ytd_usd - large_flow_ytd_usd as small_minus_large_flow_ytd_usd

    from rolling

)

select * from final
