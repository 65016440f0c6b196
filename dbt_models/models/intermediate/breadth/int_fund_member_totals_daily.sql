{#-
    One row per fund and day of int_fund_members_daily: the counts, medians and weight sums over
    its members that fct_breadth_daily and fct_concentration_daily are computed from (see the
    yml for every column). The marts read these 15 thousand rows, not the tens of millions of
    member rows.

    Incremental (see the yml): a build replaces the rows from the first day that
    int_fund_members_daily replaced since this table's last build, and keeps the rows before
    it.
-#}

{{ config(materialized='incremental', **replace_from_config('price_date')) }}

{%- set top_n = var('concentration_top_n') | int -%}
{#- the member table's vars too: rows it rewrites under other vars, with no new load, keep
    their inputs_loaded_at, so only the version tells -#}
{%- set version = code_version(member_return_vars() + ['concentration_top_n']) -%}
{#- read where it is needed, not as a CTE: DuckDB would materialize a CTE read more than once,
    every member row -#}
{%- set members = ref('int_fund_members_daily') %}

with
{%- if is_incremental() %}

-- what the table's rows were built from: the member rows up to its last build, and the code
-- then
built as (

    select
        {{ replace_from_built('members_loaded_at', version) | trim | indent(4) }}
    from {{ this }}

),

-- the member rows written since: int_fund_members_daily replaced every row from each of its
-- builds' rebuilt_from on (null: built from nothing)
rewritten as (

    select
        min(members.rebuilt_from) as first_day,
        bool_or(members.rebuilt_from is null) as is_built_from_nothing
    from {{ members }} as members
    cross join built
    where members.inputs_loaded_at > built.loaded_at

),

-- the first day to replace: from the members' earliest rewritten day on. Every day when the
-- table is empty or was built by other code, when the member table was built from nothing
-- since, or when the rows kept would no longer add up to the member rows before that day
-- (rows gone from the member table without rows written after them)
first_changed as (

    select
        case
            when
                built.loaded_at is null
                or built.is_other_code
                or rewritten.is_built_from_nothing
                or (
                    select coalesce(sum(kept.row_count), 0) from {{ this }} as kept
                    where kept.price_date < coalesce((select first_day from rewritten), date '9999-12-31')
                ) <> (
                    select count(*) from {{ members }} as members
                    where members.price_date < coalesce((select first_day from rewritten), date '9999-12-31')
                )
                then least(built.first_day, (select min(price_date) from {{ members }}))
            else rewritten.first_day
        end as price_date
    from built
    cross join rewritten

),

-- from the first day of the partition holding it (macros/replace_from.sql: Spark rewrites whole
-- partitions; DuckDB starts from that day)
changed_from as (

    select {{ replace_from_partition_start('price_date') }} as price_date
    from first_changed

),

members_since as (

    select members.*
    from {{ members }} as members
    where members.price_date >= (select price_date from changed_from)

),
{%- else %}

-- the lint sees only this branch (a full build), and would indent it alone
-- noqa: disable=LT02
members_since as (

    select * from {{ members }}

),
-- noqa: enable=LT02
{%- endif %}

-- the sum of the N largest weights at the close, per fund and day (macros/top_n_sum.sql)
top_weights as (

    {{ top_n_sum(
        'members_since', ['fund', 'price_date'], 'drifted_weight', top_n, 'top_n_weight'
    ) }}

),

-- the members whose return counts in the day's returns: held at the previous close, with a
-- return and a weight
flagged as (

    select
        *,
        is_held_overnight and ret_1d is not null and previous_drifted_weight is not null
            as is_in_day_return
    from members_since

),

aggregated as (

    select
        fund,
        price_date,
        count(*) as row_count,

        -- breadth: the members at the close (fct_breadth_daily)
        count(case when is_member then 1 end) as member_count,
        count(case when is_member and is_above_ma_50 then 1 end) as above_ma_50_count,
        count(case when is_member then is_above_ma_50 end) as ma_50_member_count,
        count(case when is_member and is_above_ma_200 then 1 end) as above_ma_200_count,
        count(case when is_member then is_above_ma_200 end) as ma_200_member_count,
        count(case when is_member and ret_1d > 0 then 1 end) as advances,
        count(case when is_member and ret_1d < 0 then 1 end) as declines,
        count(case when is_member and ret_1d = 0 then 1 end) as unchanged,
        count(case when is_member and is_new_high_252d then 1 end) as new_highs_252d,
        count(case when is_member and is_new_low_252d then 1 end) as new_lows_252d,
        count(case when is_member then is_new_high_252d end) as high_low_member_count,
        {{ median('case when is_member then ret_1d end') }} as median_member_ret_1d,
        {{ median('case when is_member then ret_63d end') }} as median_member_ret_63d,

        -- concentration: weights at the close (members of the day's snapshot with a drifted
        -- weight) and the day's return of those held at the previous close
        count(drifted_weight) as weighted_member_count,
        sum(drifted_weight) as total_weight,
        sum(drifted_weight * drifted_weight) as total_squared_weight,
        max(drifted_weight) as largest_weight,
        count(case when is_in_day_return then 1 end) as return_member_count,
        avg(case when is_in_day_return then ret_1d end) as equal_weight_ret_1d,
        sum(case when is_in_day_return then previous_drifted_weight * ret_1d end)
        / nullif(sum(case when is_in_day_return then previous_drifted_weight end), 0)
            as cap_weight_ret_1d
    from flagged
    group by fund, price_date

),

final as (

    select
        aggregated.*,
        top_weights.top_n_weight,

        -- what the row was built from (see the yml)
        (select max(members.inputs_loaded_at) from {{ members }} as members) as members_loaded_at,
        '{{ version }}' as model_version,
        {%- if is_incremental() %}
            (select price_date from changed_from) as rebuilt_from
        {%- else %}
            cast(null as date) as rebuilt_from
        {%- endif %}
        {{ replace_from_partition_column('aggregated.price_date') }}  -- noqa: LT02
    from aggregated
    left join top_weights
        on
            top_weights.fund = aggregated.fund
            and top_weights.price_date = aggregated.price_date

)

select * from final
