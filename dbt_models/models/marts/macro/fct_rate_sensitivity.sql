{#-
    One row per pair and common trading day: rolling OLS betas of the daily small-minus-large
    return spread (bps) on the daily change of the 2-year and of the 10-year Treasury yield
    (percentage points). See fct_rate_sensitivity.yml for every formula and unit.

    The regressions use the SQL-standard aggregates regr_count / regr_slope / regr_r2 /
    regr_sxx as window functions over the last var('rate_beta_window_days') rows of the pair;
    they skip the rows where either variable is null, so a day without a usable yield change
    is simply no observation.
-#}

{%- set window_days = var('rate_beta_window_days') | int -%}
{%- set min_obs = var('rate_beta_min_obs', 100) | int -%}
{%- set tenors = [('2y', 'DGS2'), ('10y', 'DGS10')] -%}

with rotation as (

    select * from {{ ref('fct_rotation_daily') }}

),

macro_observations as (

    select * from {{ ref('stg_raw__macro_observations') }}

),

-- one row per observation date with both yields, in percent
yields as (

    select
        observation_date,
        {% for tenor, series_id in tenors -%}
            max(case when series_id = '{{ series_id }}' then value end)
                as {{ series_id | lower }}_pct
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from macro_observations
    where
        series_id in (
            {% for tenor, series_id in tenors -%}
                '{{ series_id }}'{% if not loop.last %},{% endif %}
            {% endfor %}
        )
    group by observation_date

),

-- each common trading day of the pair with that day's yield observations (none on a bond
-- market holiday)
pair_days as (

    select
        rotation.pair_id,
        rotation.rotation_date,
        rotation.spread_1d_bps,
        {% for tenor, series_id in tenors -%}
            yields.{{ series_id | lower }}_pct{% if not loop.last %},{% endif %}
        {% endfor %}
    from rotation
    left join yields
        on yields.observation_date = rotation.rotation_date

),

-- the yield change over the same interval as spread_1d_bps: from the pair's previous trading
-- day to today; null when either day has no observation (never bridged over a gap)
yield_changes as (

    select
        *,
        {% for tenor, series_id in tenors -%}
            {{ series_id | lower }}_pct - lag({{ series_id | lower }}_pct) over (
                partition by pair_id order by rotation_date
            ) as {{ series_id | lower }}_change_pp{% if not loop.last %},{% endif %}
        {% endfor %}
    from pair_days

),

regressions as (

    select
        *,
        {% for tenor, series_id in tenors -%}
            regr_count(spread_1d_bps, {{ series_id | lower }}_change_pp) over trailing_rows
                as obs_count_{{ tenor }},
            regr_sxx(spread_1d_bps, {{ series_id | lower }}_change_pp) over trailing_rows
                as sxx_{{ tenor }},
            regr_slope(spread_1d_bps, {{ series_id | lower }}_change_pp) over trailing_rows
                as slope_{{ tenor }},
            regr_r2(spread_1d_bps, {{ series_id | lower }}_change_pp) over trailing_rows
                as r2_{{ tenor }}
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from yield_changes
    window trailing_rows as (
        partition by pair_id order by rotation_date
        rows between {{ window_days - 1 }} preceding and current row
    )

),

final as (

    select
        -- grain
        pair_id,
        rotation_date,

        -- the regression inputs
        spread_1d_bps,
        {% for tenor, series_id in tenors -%}
            {{ series_id | lower }}_pct,
            {{ series_id | lower }}_change_pp,
        {% endfor %}

        -- rolling betas: null until min_obs observations, or when the yield did not move
        {% for tenor, series_id in tenors -%}
            cast(obs_count_{{ tenor }} as {{ dbt.type_bigint() }}) as obs_count_{{ tenor }},
            case
                when obs_count_{{ tenor }} >= {{ min_obs }} and sxx_{{ tenor }} > 0
                    then slope_{{ tenor }}
            end as beta_{{ tenor }}_bps_per_pp,
            case
                when obs_count_{{ tenor }} >= {{ min_obs }} and sxx_{{ tenor }} > 0
                    then r2_{{ tenor }}
            end as r_squared_{{ tenor }}_frac{% if not loop.last %},{% endif %}
        {% endfor %}

    from regressions

)

select * from final
