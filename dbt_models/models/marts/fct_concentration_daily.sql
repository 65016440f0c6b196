{#-
    One row per fund (an index or fund with holdings in raw.constituents) and day: how
    concentrated its weights are, and how an equal-weight portfolio of its members did against
    the cap-weighted one. Weights drift with prices between holdings snapshots. See
    fct_concentration_daily.yml for every formula.
-#}

{%- set top_n = var('concentration_top_n') | int -%}
{%- set spread_windows = {
    '21d': var('concentration_spread_short_days') | int,
    '63d': var('concentration_spread_long_days') | int,
} -%}

with members as (

    select * from {{ ref('int_fund_members_daily') }}

),

rotation as (

    select * from {{ ref('fct_rotation_daily') }}
    where pair_id = '{{ var("concentration_etf_pair") }}'

),

-- the sum of the N largest weights at the close, per fund and day (macros/top_n_sum.sql)
top_weights as (

    {{ top_n_sum('members', ['fund', 'price_date'], 'drifted_weight', top_n, 'top_n_weight') }}

),

-- the members whose return counts in the day's returns: held at the previous close, with a
-- return and a weight
flagged as (

    select
        *,
        case
            when is_held_overnight and ret_1d is not null and previous_drifted_weight is not null
                then 1
            else 0
        end as is_in_day_return
    from members

),

aggregated as (

    select
        fund,
        price_date,

        -- weights at the close (members of the day's snapshot with a drifted weight)
        count(drifted_weight) as weighted_member_count,
        sum(drifted_weight) as total_weight,
        sum(drifted_weight * drifted_weight) as total_squared_weight,
        max(drifted_weight) as largest_weight,

        -- the day's return of the members held at the previous close
        count(case when is_in_day_return = 1 then 1 end) as return_member_count,
        avg(case when is_in_day_return = 1 then ret_1d end) as equal_weight_ret_1d,
        sum(case when is_in_day_return = 1 then previous_drifted_weight * ret_1d end)
        / nullif(sum(case when is_in_day_return = 1 then previous_drifted_weight end), 0)
            as cap_weight_ret_1d
    from flagged
    group by fund, price_date

),

daily as (

    select
        aggregated.fund,
        aggregated.price_date as concentration_date,
        aggregated.weighted_member_count,
        aggregated.total_weight,
        aggregated.total_squared_weight,
        aggregated.largest_weight,
        top_weights.top_n_weight,
        aggregated.return_member_count,
        aggregated.equal_weight_ret_1d,
        aggregated.cap_weight_ret_1d
    from aggregated
    left join top_weights
        on
            top_weights.fund = aggregated.fund
            and top_weights.price_date = aggregated.price_date

),

-- compounded over the fund's last N rows: the product of (1 + r) (macros/product.sql)
compounded as (

    select
        *,
        {%- for name, days in spread_windows.items() %}
        count(equal_weight_ret_1d) over (
            partition by fund order by concentration_date
            rows between {{ days - 1 }} preceding and current row
        ) as equal_weight_count_{{ name }},
        count(cap_weight_ret_1d) over (
            partition by fund order by concentration_date
            rows between {{ days - 1 }} preceding and current row
        ) as cap_weight_count_{{ name }},
        {{ product('1 + equal_weight_ret_1d') }} over (
            partition by fund order by concentration_date
            rows between {{ days - 1 }} preceding and current row
        ) as equal_weight_growth_{{ name }},
        {{ product('1 + cap_weight_ret_1d') }} over (
            partition by fund order by concentration_date
            rows between {{ days - 1 }} preceding and current row
        ) as cap_weight_growth_{{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from daily

),

final as (

    select
        -- grain
        compounded.fund,
        compounded.concentration_date,

        -- concentration of the weights at the close
        compounded.weighted_member_count,
        -- all of it with N names or fewer (exactly, whatever the order of the additions)
        case
            when compounded.weighted_member_count between 1 and {{ top_n }}
                then cast(1 as {{ type_double() }})
            else compounded.top_n_weight / nullif(compounded.total_weight, 0)
        end as top_10_weight_frac,
        compounded.largest_weight / nullif(compounded.total_weight, 0) as largest_weight_frac,
        compounded.total_weight * compounded.total_weight
        / nullif(compounded.total_squared_weight, 0) as effective_names,

        -- equal weight against cap weight, from the members
        compounded.return_member_count,
        compounded.equal_weight_ret_1d,
        compounded.cap_weight_ret_1d,
        (compounded.equal_weight_ret_1d - compounded.cap_weight_ret_1d) * 10000
            as equal_minus_cap_1d_bps,
        {%- for name, days in spread_windows.items() %}
        case
            when
                compounded.equal_weight_count_{{ name }} = {{ days }}
                and compounded.cap_weight_count_{{ name }} = {{ days }}
                then
                    (compounded.equal_weight_growth_{{ name }} - compounded.cap_weight_growth_{{ name }})
                    * 10000
        end as equal_minus_cap_{{ name }}_bps,
        {%- endfor %}

        -- the same spread from ETFs (fct_rotation_daily: equal-weight ETF minus cap-weight ETF)
        rotation.spread_1d_bps as etf_equal_minus_cap_1d_bps,
        rotation.spread_21d_bps as etf_equal_minus_cap_21d_bps,
        rotation.spread_63d_bps as etf_equal_minus_cap_63d_bps

    from compounded
    left join rotation
        on rotation.rotation_date = compounded.concentration_date

)

select * from final
