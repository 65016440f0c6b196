{#-
    One row per pair, scorecard day, signal and forward horizon whose forward window is
    complete: the signal's value that day (as the scorecard showed it) and the small-minus-large
    spread over the next H common days of the pair. What rpt_scorecard_backtest and
    rpt_scorecard_ic measure; see int_scorecard_outcomes.yml. A table: three marts and their
    tests read it.
-#}

{{ config(materialized='table') }}

{%- set horizons = [21, 63, 126, 252] -%}
{%- set fwd_columns = [] -%}
{%- for h in horizons -%}
    {%- do fwd_columns.extend(['fwd_spread_' ~ h ~ 'd_bps', 'outcome_' ~ h ~ 'd_date']) -%}
{%- endfor -%}
{%- set signals = [
    'momentum_signal', 'valuation_signal', 'flows_signal', 'rates_signal',
    'labour_market_risk_signal', 'inflation_risk_signal', 'breadth_signal'
] -%}
{#- every signal's name, its value in scored_days and the day its input became known: the
    scorecard's seven (without the _signal suffix), the composite's side and score, and the
    baselines (always_small has no input) -#}
{%- set signal_values = {} -%}
{%- for signal in signals -%}
    {%- set name = signal | replace('_signal', '') -%}
    {%- do signal_values.update({name: [signal, name ~ '_known_date']}) -%}
{%- endfor -%}
{%- do signal_values.update({
    'composite': ['composite_signal', 'inputs_known_date'],
    'composite_score': ['composite_score', 'inputs_known_date'],
    'always_small': ['1', 'cast(null as date)'],
    'naive_momentum': ['naive_momentum_signal', 'previous_rotation_date'],
    'naive_reversal': ['-naive_momentum_signal', 'previous_rotation_date'],
}) -%}

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
        lag(rotation_date) over (
            partition by pair_id order by rotation_date
        ) as previous_rotation_date,
        {% for h in horizons -%}
            {{ forward_spread_bps(
                'small_return_price', 'large_return_price', h, 'pair_id', 'rotation_date'
            ) }} as fwd_spread_{{ h }}d_bps,
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
        {% for h in horizons -%}
            forward.fwd_spread_{{ h }}d_bps,
            forward.outcome_{{ h }}d_date,
        {% endfor %}
        {% for signal in signals -%}
            scorecard.{{ signal }},
            scorecard.{{ signal | replace('_signal', '_known_date') }},
        {% endfor %}
        scorecard.inputs_known_date,
        forward.previous_rotation_date,
        case scorecard.composite_label
            when 'supports_small_caps' then 1
            when 'supports_large_caps' then -1
            else 0
        end as composite_signal,
        scorecard.composite_score,
        -- the previous common day's sign of the 63-day spread (naive momentum; its opposite
        -- is naive reversal)
        case
            when forward.previous_spread_63d_bps > 0 then 1
            when forward.previous_spread_63d_bps < 0 then -1
            when forward.previous_spread_63d_bps = 0 then 0
        end as naive_momentum_signal
    from scorecard
    inner join forward
        on
            forward.pair_id = scorecard.pair_id
            and forward.rotation_date = scorecard.scorecard_date

),

-- one row per day and signal with a value that day
signal_days as (

    {% for name, (value, known) in signal_values.items() -%}
        select
            pair_id,
            scorecard_date,
            day_number,
            {{ fwd_columns | join(', ') }},
            '{{ name }}' as signal_name,
            {{ value }} as signal_value,
            {{ known }} as signal_known_date
        from scored_days
        where {{ value }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

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
            signal_known_date,
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
