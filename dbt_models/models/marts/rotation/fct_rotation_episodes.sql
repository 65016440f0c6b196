{#-
    One row per pair, side and episode. See fct_rotation_episodes.yml for every formula.

    An episode of side 'small' starts on a day whose spread_10d_bps first reaches
    +var('episode_threshold_bps') (today >= threshold, the previous row < threshold), provided the
    day is at least var('episode_min_gap_days') rows of the pair after the previous *accepted*
    'small' episode start. 'large' is the mirror image (spread <= -threshold). `side` names the
    leg that led (the pair's numerator or denominator); `side_label` says it in words, from the
    pairs seed ('small caps' / 'large caps'; 'equal weight' / 'cap weight' for rsp_spy).

    Why a recursive CTE: whether a crossing is an episode depends on the previous accepted
    episode, which depends in turn on the crossings before it, so the rule is sequential and no
    single window function expresses it (comparing each crossing with the previous *crossing*
    would wrongly drop a crossing that follows a rejected one). The model therefore
      1. lists the crossings (few rows: a few hundred per pair and side in 30 years);
      2. gives each crossing its successor: the first crossing at least min_gap rows later,
         a plain self-join with min();
      3. walks that chain from each pair's and side's first crossing with a standard
         `with recursive` CTE whose recursive step is a plain equi-join (no aggregate, no window
         function inside the recursion, so any engine with recursive CTEs runs it).
    Every accepted start's successor is the next accepted start, which is exactly the rule.
-#}

{%- set horizons = [21, 63, 126, 252] -%}
{%- set threshold_bps = var('episode_threshold_bps') -%}
{%- set min_gap_days = var('episode_min_gap_days') | int -%}

with recursive rotation as (

    select * from {{ ref('fct_rotation_daily') }}

),

pairs as (

    select * from {{ ref('pairs') }}

),

sides as (

    select
        'small' as side,
        1 as side_sign
    union all
    select
        'large' as side,
        -1 as side_sign

),

-- each common trading day of the pair: its number, yesterday's spread, the forward spreads
-- from today's close and the pair's latest close
pair_days as (

    select
        pair_id,
        rotation_date,
        spread_10d_bps,
        ratio,
        small_return_price,
        large_return_price,
        row_number() over (
            partition by pair_id order by rotation_date
        ) as day_number,
        count(*) over (partition by pair_id) as pair_day_count,
        lag(spread_10d_bps) over (
            partition by pair_id order by rotation_date
        ) as previous_spread_10d_bps,

        -- fwd_spread_<H>d_bps = (R_small - R_large) * 10000 from today's close to H rows later
        {% for h in horizons -%}
            {{ forward_spread_bps(
                'small_return_price', 'large_return_price', h, 'pair_id', 'rotation_date'
            ) }} as fwd_spread_{{ h }}d_bps,
        {% endfor %}

        last_value(small_return_price) over (
            partition by pair_id order by rotation_date
            rows between current row and unbounded following
        ) as latest_small_return_price,
        last_value(large_return_price) over (
            partition by pair_id order by rotation_date
            rows between current row and unbounded following
        ) as latest_large_return_price
    from rotation

),

-- days on which the signed spread first reaches the threshold (a null yesterday is no crossing)
crossings as (

    select
        pair_days.*,
        sides.side,
        sides.side_sign
    from pair_days
    cross join sides
    where
        sides.side_sign * pair_days.spread_10d_bps >= {{ threshold_bps }}
        and sides.side_sign * pair_days.previous_spread_10d_bps < {{ threshold_bps }}

),

-- the crossing that would be the next episode if this one is an episode
crossing_successors as (

    select
        crossing.pair_id,
        crossing.side,
        crossing.day_number,
        min(later.day_number) as next_day_number
    from crossings as crossing
    left join crossings as later
        on
            later.pair_id = crossing.pair_id
            and later.side = crossing.side
            and later.day_number >= crossing.day_number + {{ min_gap_days }}
    group by crossing.pair_id, crossing.side, crossing.day_number

),

first_crossings as (

    select
        pair_id,
        side,
        min(day_number) as day_number
    from crossings
    group by pair_id, side

),

-- the accepted episode starts: the first crossing, then successor after successor
episode_chain as (

    select
        successor.pair_id,
        successor.side,
        successor.day_number,
        successor.next_day_number,
        1 as episode_number,
        cast(null as {{ dbt.type_bigint() }}) as previous_day_number
    from crossing_successors as successor
    inner join first_crossings
        on
            first_crossings.pair_id = successor.pair_id
            and first_crossings.side = successor.side
            and first_crossings.day_number = successor.day_number

    union all

    select
        successor.pair_id,
        successor.side,
        successor.day_number,
        successor.next_day_number,
        episode_chain.episode_number + 1 as episode_number,
        cast(episode_chain.day_number as {{ dbt.type_bigint() }}) as previous_day_number
    from episode_chain
    inner join crossing_successors as successor
        on
            successor.pair_id = episode_chain.pair_id
            and successor.side = episode_chain.side
            and successor.day_number = episode_chain.next_day_number

),

episodes as (

    select
        crossings.*,
        episode_chain.episode_number,
        episode_chain.day_number - episode_chain.previous_day_number
            as trading_days_since_previous_episode,
        max(episode_chain.episode_number) over (
            partition by crossings.pair_id, crossings.side
        ) as latest_episode_number
    from episode_chain
    inner join crossings
        on
            crossings.pair_id = episode_chain.pair_id
            and crossings.side = episode_chain.side
            and crossings.day_number = episode_chain.day_number

),

-- each episode's side in words: the pair's label of the leg that led
labelled as (

    select
        episodes.*,
        case
            when episodes.side = 'small' then pairs.small_label else pairs.large_label
        end as side_label
    from episodes
    left join pairs on pairs.pair_id = episodes.pair_id

),

final as (

    select
        -- grain
        pair_id,
        side,
        episode_number,
        side_label,

        -- the start
        rotation_date as start_date,
        spread_10d_bps as start_spread_10d_bps,
        ratio as start_ratio,
        trading_days_since_previous_episode,

        -- what followed: forward spreads and whether the lead continued
        {% for h in horizons -%}
            fwd_spread_{{ h }}d_bps,
            case
                when fwd_spread_{{ h }}d_bps is not null
                    then side_sign * fwd_spread_{{ h }}d_bps > 0
            end as lead_continued_{{ h }}d,
        {% endfor %}

        -- so far: from the start to the pair's latest common day
        pair_day_count - day_number as trading_days_elapsed,
        (
            (latest_small_return_price / small_return_price - 1)
            - (latest_large_return_price / large_return_price - 1)
        ) * 10000 as spread_to_date_bps,
        episode_number = latest_episode_number as is_current

    from labelled

)

select * from final
