{#-
    One row per fund (an index or fund with holdings in raw.constituents) and day: how
    concentrated its weights are, and how an equal-weight portfolio of its members did against
    the cap-weighted one. Weights drift with prices between holdings snapshots. See
    fct_concentration_daily.yml for every formula. The sums over the members are
    int_fund_member_totals_daily's.
-#}

{%- set top_n = var('concentration_top_n') | int -%}
{%- set spread_windows = {
    '21d': var('concentration_spread_short_days') | int,
    '63d': var('concentration_spread_long_days') | int,
} -%}

with totals as (

    select * from {{ ref('int_fund_member_totals_daily') }}

),

snapshot_days as (

    select * from {{ ref('int_fund_snapshot_days') }}

),

holdings as (

    select * from {{ ref('int_fund_holdings') }}

),

rotation as (

    select * from {{ ref('fct_rotation_daily') }}
    where pair_id = '{{ var("concentration_etf_pair") }}'

),

instruments as (

    select * from {{ ref('instruments') }}

),

-- members listed by each snapshot, priced or not
snapshot_sizes as (

    select
        fund,
        effective_date,
        count(*) as snapshot_member_count
    from holdings
    group by fund, effective_date

),

-- the funds the ETF pair describes: the index its cap-weight ETF tracks (SPY: ^GSPC), and
-- every fund that tracks that index too (IVV); not the others (^RUT, IWM, IJR)
etf_pair_funds as (

    select funds.symbol as fund
    from {{ ref('pairs') }} as pairs
    inner join instruments as large_leg
        on large_leg.symbol = pairs.large_symbol
    inner join instruments as funds
        on coalesce(large_leg.tracks, large_leg.symbol) in (funds.symbol, funds.tracks)
    where pairs.pair_id = '{{ var("concentration_etf_pair") }}'

),

daily as (

    select
        fund,
        price_date as concentration_date,
        weighted_member_count,
        total_weight,
        total_squared_weight,
        largest_weight,
        top_n_weight,
        return_member_count,
        equal_weight_ret_1d,
        cap_weight_ret_1d
    from totals

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
            {%- set window -%}
                partition by fund order by concentration_date
                rows between {{ days - 1 }} preceding and current row
            {%- endset %}
            {{ product('1 + equal_weight_ret_1d', over=window) }} as equal_weight_growth_{{ name }},
            {{ product('1 + cap_weight_ret_1d', over=window) }} as cap_weight_growth_{{ name }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from daily

),

final as (

    select
        -- grain
        compounded.fund,
        compounded.concentration_date,

        -- the snapshot the weights drift from, and its members without a weight that day
        snapshot_days.snapshot_date,
        snapshot_sizes.snapshot_member_count,
        snapshot_sizes.snapshot_member_count - compounded.weighted_member_count
            as unweighted_member_count,

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
                        (
                            compounded.equal_weight_growth_{{ name }}
                            - compounded.cap_weight_growth_{{ name }}
                        ) * 10000
            end as equal_minus_cap_{{ name }}_bps,
        {%- endfor %}

        -- the same spread from ETFs (fct_rotation_daily: equal-weight ETF minus cap-weight
        -- ETF), for the funds that track the same index
        rotation.spread_1d_bps as etf_equal_minus_cap_1d_bps,
        rotation.spread_21d_bps as etf_equal_minus_cap_21d_bps,
        rotation.spread_63d_bps as etf_equal_minus_cap_63d_bps

    from compounded
    left join snapshot_days
        on
            snapshot_days.fund = compounded.fund
            and snapshot_days.trading_date = compounded.concentration_date
    left join snapshot_sizes
        on
            snapshot_sizes.fund = compounded.fund
            and snapshot_sizes.effective_date = snapshot_days.effective_date
    left join rotation
        on
            rotation.rotation_date = compounded.concentration_date
            and compounded.fund in (select fund from etf_pair_funds)

)

select * from final
