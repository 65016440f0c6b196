{#-
    One row per pair, side and forward horizon: how episodes of fct_rotation_episodes turned
    out, and where the pair's current (latest) episode stands. See
    rpt_rotation_episode_summary.yml for every formula.
-#}

{%- set horizons = [21, 63, 126, 252] -%}

with episodes as (

    select * from {{ ref('fct_rotation_episodes') }}

),

pairs as (

    select * from {{ ref('pairs') }}

),

sides as (

    select 'small' as side
    union all
    select 'large' as side

),

horizons as (

    {% for h in horizons -%}
        select {{ h }} as horizon_days
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

-- every pair, side and horizon, whether or not it has episodes
grid as (

    select
        pairs.pair_id,
        sides.side,
        horizons.horizon_days,
        case
            when sides.side = 'small' then pairs.small_label else pairs.large_label
        end as side_label
    from pairs
    cross join sides
    cross join horizons

),

-- one row per episode and horizon
episode_horizons as (

    {% for h in horizons -%}
        select
            pair_id,
            side,
            episode_number,
            is_current,
            {{ h }} as horizon_days,
            fwd_spread_{{ h }}d_bps as fwd_spread_bps,
            lead_continued_{{ h }}d as lead_continued
        from episodes
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

horizon_stats as (

    select
        pair_id,
        side,
        horizon_days,
        count(*) as episode_count,
        count(fwd_spread_bps) as completed_episode_count,
        sum(case when lead_continued then 1 else 0 end) as hit_count,
        {{ median('fwd_spread_bps') }} as median_fwd_spread_bps
    from episode_horizons
    group by pair_id, side, horizon_days

),

-- the start spread's percentile rank among all episodes of the pair and side:
-- (rank - 1) / (n - 1), ascending, ties at their lowest rank, 0 when n = 1
ranked_episodes as (

    select
        *,
        percent_rank() over (
            partition by pair_id, side order by start_spread_10d_bps
        ) as start_spread_pct_rank_frac
    from episodes

),

current_episodes as (

    select * from ranked_episodes
    where is_current

),

current_horizons as (

    select * from episode_horizons
    where is_current

),

final as (

    select
        -- grain
        grid.pair_id,
        grid.side,
        grid.horizon_days,
        grid.side_label,

        -- history
        coalesce(horizon_stats.episode_count, 0) as episode_count,
        coalesce(horizon_stats.completed_episode_count, 0) as completed_episode_count,
        coalesce(horizon_stats.hit_count, 0) as hit_count,
        cast(horizon_stats.hit_count as {{ type_double() }})
        / nullif(horizon_stats.completed_episode_count, 0) as hit_rate_frac,
        horizon_stats.median_fwd_spread_bps,

        -- the current episode's place
        current_episodes.episode_number as current_episode_number,
        current_episodes.start_date as current_start_date,
        current_episodes.start_spread_10d_bps as current_start_spread_10d_bps,
        current_episodes.start_spread_pct_rank_frac as current_start_spread_pct_rank_frac,
        current_episodes.trading_days_elapsed as current_trading_days_elapsed,
        current_episodes.spread_to_date_bps as current_spread_to_date_bps,
        current_horizons.fwd_spread_bps as current_fwd_spread_bps,
        current_horizons.lead_continued as current_lead_continued

    from grid
    left join horizon_stats
        on
            horizon_stats.pair_id = grid.pair_id
            and horizon_stats.side = grid.side
            and horizon_stats.horizon_days = grid.horizon_days
    left join current_episodes
        on
            current_episodes.pair_id = grid.pair_id
            and current_episodes.side = grid.side
    left join current_horizons
        on
            current_horizons.pair_id = grid.pair_id
            and current_horizons.side = grid.side
            and current_horizons.horizon_days = grid.horizon_days

)

select * from final
