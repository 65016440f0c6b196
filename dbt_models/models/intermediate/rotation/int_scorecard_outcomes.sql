{#-
    One row per pair, scorecard day, signal and forward horizon whose forward window is
    complete: the signal's value that day (as the scorecard showed it) and the small-minus-large
    spread over the next H common days of the pair. What rpt_scorecard_backtest and
    rpt_scorecard_ic measure; see int_scorecard_outcomes.yml.
-#}

{%- set horizons = [21, 63, 126, 252] -%}
{%- set fwd_columns = [] -%}
{%- for h in horizons -%}
    {%- do fwd_columns.extend(['fwd_spread_' ~ h ~ 'd_bps', 'outcome_' ~ h ~ 'd_date']) -%}
{%- endfor -%}
{%- set signals = [
    'momentum_signal', 'valuation_signal', 'flows_signal', 'rates_signal',
    'labour_market_risk_signal', 'inflation_risk_signal', 'breadth_signal'
] -%}

with scorecard as (

    select * from {{ ref('rpt_rotation_scorecard') }}

),

rotation as (

    select * from {{ ref('fct_rotation_daily') }}

),

-- the pair's common days: each day's forward spreads (from its close to H common days later),
-- its place in the non-overlapping samples, and yesterday's 63-day spread (the baselines)
forward as (

    select
        pair_id,
        rotation_date,
        row_number() over (partition by pair_id order by rotation_date) as day_number,
        lag(spread_63d_bps) over (
            partition by pair_id order by rotation_date
        ) as previous_spread_63d_bps,
        {% for h in horizons -%}
            (
                (
                    lead(small_return_price, {{ h }}) over (
                        partition by pair_id order by rotation_date
                    ) / small_return_price - 1
                )
                - (
                    lead(large_return_price, {{ h }}) over (
                        partition by pair_id order by rotation_date
                    ) / large_return_price - 1
                )
            ) * 10000 as fwd_spread_{{ h }}d_bps,
            lead(rotation_date, {{ h }}) over (
                partition by pair_id order by rotation_date
            ) as outcome_{{ h }}d_date{% if not loop.last %},{% endif %}
        {% endfor %}
    from rotation

),

scored_days as (

    select
        scorecard.pair_id,
        scorecard.scorecard_date,
        forward.day_number,
        forward.previous_spread_63d_bps,
        {% for h in horizons -%}
            forward.fwd_spread_{{ h }}d_bps,
            forward.outcome_{{ h }}d_date,
        {% endfor %}
        {% for signal in signals -%}
            scorecard.{{ signal }},
        {% endfor %}
        case scorecard.composite_label
            when 'supports_small_caps' then 1
            when 'supports_large_caps' then -1
            else 0
        end as composite_signal,
        scorecard.composite_score
    from scorecard
    inner join forward
        on
            forward.pair_id = scorecard.pair_id
            and forward.rotation_date = scorecard.scorecard_date

),

-- one row per day and signal with a value that day
signal_days as (

    {% for signal in signals + ['composite_signal', 'composite_score'] -%}
        select
            pair_id,
            scorecard_date,
            day_number,
            {{ fwd_columns | join(', ') }},
            '{{ signal | replace("_signal", "") }}' as signal_name,  -- composite_score: -7..7
            {{ signal }} as signal_value
        from scored_days
        where {{ signal }} is not null
        union all
    {% endfor -%}
    -- baselines: always small caps; yesterday's sign of the 63-day spread (momentum), and
    -- its opposite (reversal)
    select
        pair_id,
        scorecard_date,
        day_number,
        {{ fwd_columns | join(', ') }},
        'always_small' as signal_name,
        1 as signal_value
    from scored_days
    union all
    select
        pair_id,
        scorecard_date,
        day_number,
        {{ fwd_columns | join(', ') }},
        'naive_momentum' as signal_name,
        case
            when previous_spread_63d_bps > 0 then 1
            when previous_spread_63d_bps < 0 then -1
            else 0
        end as signal_value
    from scored_days
    where previous_spread_63d_bps is not null
    union all
    select
        pair_id,
        scorecard_date,
        day_number,
        {{ fwd_columns | join(', ') }},
        'naive_reversal' as signal_name,
        case
            when previous_spread_63d_bps > 0 then -1
            when previous_spread_63d_bps < 0 then 1
            else 0
        end as signal_value
    from scored_days
    where previous_spread_63d_bps is not null

),

-- one row per day, signal and horizon whose forward window is complete; a day is in the
-- horizon's non-overlapping sample when it is the pair's 1st, (H+1)th, (2H+1)th... common day
outcomes as (

    {% for h in horizons -%}
        select
            pair_id,
            scorecard_date,
            signal_name,
            signal_value,
            {{ h }} as horizon_days,
            fwd_spread_{{ h }}d_bps as fwd_spread_bps,
            outcome_{{ h }}d_date as outcome_date,
            mod(day_number - 1, {{ h }}) = 0 as is_sampled,
            cast(
                cast(floor(extract(year from scorecard_date) / 10) * 10 as integer)
                as {{ dbt.type_string() }}
            ) || 's' as decade
        from signal_days
        where fwd_spread_{{ h }}d_bps is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from outcomes
