{#-
    One row per trading day: the Fed's target (range, or single target before the range
    existed) as known that day, its changes over 3, 6 and 12 calendar months, its last move
    and the cycle phase. See int_macro_fed_target_daily.yml for every rule.
-#}

{%- set change_months = [3, 6, 12] -%}
{%- set phase_months = 6 -%}  {# the phase looks at moves within the past 6 calendar months #}

with trading_days as (

    select * from {{ ref('int_trading_days') }}

),

as_of as (

    select * from {{ ref('int_macro_series_asof') }}
    where series_id in ('DFEDTAR', 'DFEDTARU', 'DFEDTARL')

),

pivoted as (

    select
        trading_days.trading_date,
        max(case when as_of.series_id = 'DFEDTAR' then as_of.value end) as single_target_pct,
        max(case when as_of.series_id = 'DFEDTAR' then as_of.observation_date end)
            as single_target_observation_date,
        max(case when as_of.series_id = 'DFEDTAR' then as_of.known_from_date end)
            as single_target_known_from_date,
        max(case when as_of.series_id = 'DFEDTAR' then as_of.known_from_kind end)
            as single_target_known_from_kind,
        max(case when as_of.series_id = 'DFEDTARU' then as_of.value end) as range_upper_pct,
        max(case when as_of.series_id = 'DFEDTARU' then as_of.observation_date end)
            as range_upper_observation_date,
        max(case when as_of.series_id = 'DFEDTARU' then as_of.known_from_date end)
            as range_upper_known_from_date,
        max(case when as_of.series_id = 'DFEDTARU' then as_of.known_from_kind end)
            as range_upper_known_from_kind,
        max(case when as_of.series_id = 'DFEDTARL' then as_of.value end) as range_lower_pct
    from trading_days
    left join as_of
        on as_of.trading_date = trading_days.trading_date
    group by trading_days.trading_date

),

-- the range once any DFEDTARU observation is known (FRED: from 2008-12-16), else the single
-- target DFEDTAR (FRED: to 2008-12-15) as both bounds
target as (

    select
        trading_date,
        case
            when range_upper_observation_date is not null then range_upper_pct
            else single_target_pct
        end as fed_target_upper_pct,
        case
            when range_upper_observation_date is not null then range_lower_pct
            else single_target_pct
        end as fed_target_lower_pct,
        case
            when range_upper_observation_date is not null then true
            when single_target_observation_date is not null then false
        end as fed_target_is_range,
        coalesce(range_upper_observation_date, single_target_observation_date)
            as fed_target_observation_date,
        case
            when range_upper_observation_date is not null then range_upper_known_from_date
            else single_target_known_from_date
        end as fed_target_known_from_date,
        case
            when range_upper_observation_date is not null then range_upper_known_from_kind
            else single_target_known_from_kind
        end as fed_target_known_from_kind,
        {% for n in change_months -%}
            cast({{ dbt.dateadd('month', -n, 'trading_date') }} as date) as lookback_{{ n }}m_date
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from pivoted

),

with_mid as (

    select
        *,
        (fed_target_upper_pct + fed_target_lower_pct) / 2 as fed_target_mid_pct
    from target

),

-- the upper bound as known on the latest trading day on or before the same day N months earlier
-- (the CTEs a loop writes are not indented, as elsewhere; sqlfluff would indent them)
-- noqa: disable=LT02
{% for n in change_months %}
past_{{ n }}m as (

    select
        trading_date as trading_date_{{ n }}m_ago,
        fed_target_upper_pct as fed_target_upper_{{ n }}m_ago_pct
    from with_mid

),

{% endfor -%}

{%- set chain = namespace(previous='with_mid') %}
{% for n in change_months %}
with_{{ n }}m_ago as (

    {{ macro_asof_join(
        chain.previous, 'lookback_' ~ n ~ 'm_date', 'past_' ~ n ~ 'm',
        'trading_date_' ~ n ~ 'm_ago',
        ['trading_date_' ~ n ~ 'm_ago', 'fed_target_upper_' ~ n ~ 'm_ago_pct']
    ) }}

),
{%- set chain.previous = 'with_' ~ n ~ 'm_ago' %}
{% endfor %}
-- noqa: enable=LT02

-- a move: the upper bound differs from the previous trading day's (both known)
moves as (

    select
        *,
        fed_target_upper_pct - lag(fed_target_upper_pct) over (order by trading_date) as move_pp
    from {{ chain.previous }}

),

last_moves as (

    select
        *,
        max(case when move_pp <> 0 then trading_date end) over (
            order by trading_date
            rows between unbounded preceding and current row
        ) as fed_target_last_move_date
    from moves

),

with_last_move as (

    select
        last_moves.*,
        move_days.move_pp as fed_target_last_move_pp
    from last_moves
    left join moves as move_days
        on move_days.trading_date = last_moves.fed_target_last_move_date

),

final as (

    select
        trading_date,
        fed_target_upper_pct,
        fed_target_lower_pct,
        fed_target_mid_pct,
        fed_target_is_range,
        fed_target_observation_date,
        fed_target_known_from_date,
        fed_target_known_from_kind,
        {% for n in change_months -%}
            fed_target_upper_pct - fed_target_upper_{{ n }}m_ago_pct
                as fed_target_change_{{ n }}m_pp,
        {% endfor -%}
        fed_target_last_move_date,
        fed_target_last_move_pp,
        -- phase rule: see the model's description
        case
            when
                fed_target_upper_pct is null
                or fed_target_upper_{{ phase_months }}m_ago_pct is null
                then null
            when
                fed_target_last_move_date > lookback_{{ phase_months }}m_date
                and fed_target_last_move_pp > 0
                then 'hiking'
            when
                fed_target_last_move_date > lookback_{{ phase_months }}m_date
                and fed_target_last_move_pp < 0
                then 'cutting'
            else 'holding'
        end as fed_cycle_phase
    from with_last_move

)

select * from final
