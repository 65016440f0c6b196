"""The limit of marts_vs_peers.py: the rotation, breadth and concentration marts as one
hand-written DuckDB SQL script (CTEs, no dbt), run through the duckdb Python API.

The statements are templates filled with the dbt project's vars (``values``); run in order on a
copy of the warehouse, they write peers.fct_rotation_daily, peers.fct_breadth_daily and
peers.fct_concentration_daily.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import yaml
from build_times import ROOT

DBT_DIR = ROOT / "dbt_models"
SEEDS = DBT_DIR / "seeds"
SPREAD_PERIODS = (1, 5, 10, 21, 63, 126, 252)

SCHEMA = "create schema if not exists {schema}"

INSTRUMENTS = """create or replace temp table instruments as
        select * from read_csv('{seeds}/instruments.csv', header = true, all_varchar = true)"""

PAIRS = """create or replace temp table pairs as
        select * from read_csv('{seeds}/pairs.csv', header = true, all_varchar = true)"""

# the seed's instruments, with fct_prices_daily's returns
INSTRUMENT_PRICES = """create or replace temp table instrument_prices as
        with prices as (
            select p.symbol, cast(p."date" as date) as price_date, {rp} as return_price
            from raw.prices as p semi join instruments as i on i.symbol = p.symbol
        ), lagged as (
            select *, lag(return_price) over w as previous_return_price,
                return_price / lag(return_price, {part}) over w - 1 as ret_{part}d
            from prices window w as (partition by symbol order by price_date)
        )
        select symbol, price_date, return_price,
            return_price / previous_return_price - 1 as ret_1d, ret_{part}d,
            return_price / first_value(previous_return_price) over (
                partition by symbol, year(price_date) order by price_date
                rows between unbounded preceding and current row) - 1 as ret_ytd
        from lagged"""

DAYS = """create or replace temp table days as
        with calendar as (
            select distinct p.price_date as trading_date
            from instrument_prices as p join instruments as i on i.symbol = p.symbol
            where i.kind = 'index' and i.segment = 'large'
        )
        select trading_date from calendar
        union all
        select distinct cast("date" as date) from raw.prices
        where not exists (select 1 from calendar)"""

ROTATION = """create or replace table {schema}.fct_rotation_daily as
        with pair_prices as (
            select pairs.pair_id, s.price_date as rotation_date, pairs.small_symbol,
                pairs.large_symbol, s.return_price as small_return_price,
                l.return_price as large_return_price, s.ret_ytd as small_ret_ytd,
                l.ret_ytd as large_ret_ytd
            from pairs
            join instrument_prices as s on s.symbol = pairs.small_symbol
            join instrument_prices as l
                on l.symbol = pairs.large_symbol and l.price_date = s.price_date
        ), windows as (
            select *,
                100 * (small_return_price / large_return_price)
                / first_value(small_return_price / large_return_price) over (
                    w rows between unbounded preceding and current row) as ratio,
                {spreads}
            from pair_prices window w as (partition by pair_id order by rotation_date)
        ), trailing_windows as (
            select *,
                case when count(ratio) over (w rows between {ma_s_before} preceding and current row)
                    = {ma_s}
                    then avg(ratio) over (w rows between {ma_s_before} preceding and current row)
                end as ratio_ma_50,
                case when count(ratio) over (w rows between {ma_l_before} preceding and current row)
                    = {ma_l}
                    then avg(ratio) over (w rows between {ma_l_before} preceding and current row)
                end as ratio_ma_200,
                max(ratio) over (w rows between unbounded preceding and current row) as running_max,
                count(spread_10d_bps) over (w rows between {z} preceding and 1 preceding)
                    as z_count,
                avg(spread_10d_bps) over (w rows between {z} preceding and 1 preceding) as z_mean,
                stddev_samp(spread_10d_bps) over (w rows between {z} preceding and 1 preceding)
                    as z_std
            from windows window w as (partition by pair_id order by rotation_date)
        )
        select pair_id, rotation_date, small_symbol, large_symbol, small_return_price,
            large_return_price, ratio, ratio_ma_50, ratio_ma_200, {spread_cols},
            small_ret_ytd, large_ret_ytd, (small_ret_ytd - large_ret_ytd) * 10000 as spread_ytd_bps,
            case when z_count = {z} then (spread_10d_bps - z_mean) / nullif(z_std, 0) end
                as spread_10d_zscore,
            ratio / running_max - 1 as relative_drawdown,
            case
                when ratio_ma_200 is null then null
                when ratio > ratio_ma_200 and ratio_ma_50 > ratio_ma_200 then 'small_cap_leadership'
                when ratio < ratio_ma_200 and ratio_ma_50 < ratio_ma_200 then 'large_cap_leadership'
                else 'neutral'
            end as regime
        from trailing_windows"""

# holdings snapshots on the trading day whose close they describe, with base prices
HOLDINGS = """create or replace temp table holdings as
        with constituents as (
            select fund, cast("date" as date) as snapshot_date, symbol,
                cast(weight as double) as weight_frac
            from raw.constituents
            -- one dated after the calendar's next weekday waits for its close's prices
            where cast("date" as date) < (
                select max(trading_date) + case isodow(max(trading_date))
                    when 5 then 3 when 6 then 2 else 1 end
                from days)
        ), snapshots as (
            select distinct fund, snapshot_date from constituents
        ), effective as (
            select s.fund, s.snapshot_date,
                coalesce(d.trading_date, s.snapshot_date) as effective_date
            from snapshots as s asof left join days as d on s.snapshot_date >= d.trading_date
            qualify row_number() over (
                partition by s.fund, coalesce(d.trading_date, s.snapshot_date)
                order by s.snapshot_date desc) = 1
        )
        , based as (
            select c.fund, e.effective_date, c.symbol, c.snapshot_date, c.weight_frac,
                {rp} as snapshot_return_price
            from constituents as c
            join effective as e on e.fund = c.fund and e.snapshot_date = c.snapshot_date
            left join raw.prices as p
                on p.symbol = c.symbol and cast(p."date" as date) = e.effective_date
        ), unpriced as (
            select fund, effective_date, symbol from based where snapshot_return_price is null
        ), last_prices as (
            select u.fund, u.effective_date, u.symbol, l.return_price
            from unpriced as u asof left join (
                select p.symbol, cast(p."date" as date) as price_date, {rp} as return_price
                from raw.prices as p
                join (select distinct symbol from unpriced) as u on u.symbol = p.symbol
                semi join days as d on d.trading_date = cast(p."date" as date)
            ) as l on l.symbol = u.symbol and u.effective_date >= l.price_date
        )
        select b.fund, b.effective_date, b.symbol, b.snapshot_date, b.weight_frac,
            coalesce(b.snapshot_return_price, l.return_price) as snapshot_return_price
        from based as b
        left join last_prices as l using (fund, effective_date, symbol)"""

SNAPSHOT_DAYS = """create or replace temp table snapshot_days as
        with snapshots as (select distinct fund, effective_date, snapshot_date from holdings),
        fund_days as (
            select f.fund, d.trading_date
            from (select distinct fund from snapshots) as f cross join days as d
        )
        select fd.fund, fd.trading_date, s.effective_date, s.snapshot_date,
            lag(s.effective_date) over (partition by fd.fund order by fd.trading_date)
                as previous_effective_date
        from fund_days as fd asof join snapshots as s
            on fd.fund = s.fund and fd.trading_date >= s.effective_date"""

# member days: each member's own windows, then membership and drifted weights per fund
MEMBERS = """create or replace temp table members as
        with member_prices as (
            select p.symbol, cast(p."date" as date) as price_date, {rp} as return_price
            from raw.prices as p
            semi join (select distinct symbol from raw.constituents) as m on m.symbol = p.symbol
            semi join days as d on d.trading_date = cast(p."date" as date)
        ), windows as (
            select symbol, price_date, return_price,
                lag(price_date) over w as previous_price_date,
                lag(return_price) over w as previous_return_price,
                lag(return_price, {part}) over w as base_{part},
                row_number() over w as member_row,
                avg(return_price) over (w rows between {b_s_before} preceding and current row)
                    as ma_s,
                avg(return_price) over (w rows between {b_l_before} preceding and current row)
                    as ma_l,
                max(return_price) over (w rows between {hl} preceding and 1 preceding)
                    as prior_high,
                min(return_price) over (w rows between {hl} preceding and 1 preceding) as prior_low
            from member_prices window w as (partition by symbol order by price_date)
        ), member_returns as (
            select symbol, price_date, return_price, previous_price_date, previous_return_price,
                return_price / previous_return_price - 1 as ret_1d,
                return_price / base_{part} - 1 as ret_63d,
                case when member_row >= {b_s} then return_price > ma_s end as is_above_ma_50,
                case when member_row >= {b_l} then return_price > ma_l end as is_above_ma_200,
                case when member_row > {hl} then return_price > prior_high end as is_new_high_252d,
                case when member_row > {hl} then return_price < prior_low end as is_new_low_252d
            from windows
        ), fund_symbols as (
            select distinct fund, symbol from holdings
        ), joined as (
            select fs.fund, r.symbol, r.price_date, today.snapshot_date,
                held_today.symbol is not null as is_member,
                held_before.symbol is not null as is_held_overnight,
                held_today.weight_frac * r.return_price / held_today.snapshot_return_price
                    as drifted_weight,
                held_before.weight_frac * r.previous_return_price
                    / held_before.snapshot_return_price as previous_drifted_weight,
                r.return_price, r.ret_1d, r.ret_63d, r.is_above_ma_50, r.is_above_ma_200,
                r.is_new_high_252d, r.is_new_low_252d
            from member_returns as r
            join fund_symbols as fs on fs.symbol = r.symbol
            join snapshot_days as today
                on today.fund = fs.fund and today.trading_date = r.price_date
            left join holdings as held_today
                on held_today.fund = fs.fund and held_today.effective_date = today.effective_date
                and held_today.symbol = r.symbol
            left join holdings as held_before
                on held_before.fund = fs.fund
                and held_before.effective_date = today.previous_effective_date
                and held_before.symbol = r.symbol
        )
        select * from joined where is_member or is_held_overnight"""

BREADTH = """create or replace table {schema}.fct_breadth_daily as
        with daily as (
            select fund, price_date as breadth_date, count(*) as member_count,
                count(case when is_above_ma_50 then 1 end) as above_50,
                count(is_above_ma_50) as ma_50_member_count,
                count(case when is_above_ma_200 then 1 end) as above_200,
                count(is_above_ma_200) as ma_200_member_count,
                count(case when ret_1d > 0 then 1 end) as advances,
                count(case when ret_1d < 0 then 1 end) as declines,
                count(case when ret_1d = 0 then 1 end) as unchanged,
                count(case when is_new_high_252d then 1 end) as new_highs_252d,
                count(case when is_new_low_252d then 1 end) as new_lows_252d,
                count(is_new_high_252d) as high_low_member_count,
                median(ret_1d) as median_member_ret_1d,
                median(ret_63d) as median_member_ret_63d
            from members where is_member
            group by fund, price_date
        )
        select d.fund, d.breadth_date, d.member_count, d.ma_50_member_count,
            cast(d.above_50 as double) / nullif(d.ma_50_member_count, 0) as above_ma_50_frac,
            d.ma_200_member_count,
            cast(d.above_200 as double) / nullif(d.ma_200_member_count, 0) as above_ma_200_frac,
            d.advances, d.declines, d.unchanged,
            cast(sum(d.advances - d.declines) over (
                partition by d.fund order by d.breadth_date
                rows between unbounded preceding and current row) as bigint) as ad_line,
            d.high_low_member_count, d.new_highs_252d, d.new_lows_252d,
            d.new_highs_252d - d.new_lows_252d as net_new_highs_252d,
            cast(d.new_highs_252d - d.new_lows_252d as double)
                / nullif(d.high_low_member_count, 0) as net_new_highs_frac,
            d.median_member_ret_1d, f.ret_1d as index_ret_1d,
            (d.median_member_ret_1d - f.ret_1d) * 10000 as participation_1d_bps,
            d.median_member_ret_63d, f.ret_{part}d as index_ret_63d,
            (d.median_member_ret_63d - f.ret_{part}d) * 10000 as participation_63d_bps
        from daily as d
        left join instrument_prices as f on f.symbol = d.fund and f.price_date = d.breadth_date"""

CONCENTRATION = """create or replace table {schema}.fct_concentration_daily as
        with daily as (
            select fund, price_date as concentration_date,
                count(drifted_weight) as weighted_member_count,
                sum(drifted_weight) as total_weight,
                sum(drifted_weight * drifted_weight) as total_squared_weight,
                max(drifted_weight) as largest_weight,
                list_sum(max(drifted_weight, {top_n})) as top_n_weight,
                count(*) filter (where in_day) as return_member_count,
                avg(ret_1d) filter (where in_day) as equal_weight_ret_1d,
                sum(previous_drifted_weight * ret_1d) filter (where in_day)
                / nullif(sum(previous_drifted_weight) filter (where in_day), 0) as cap_weight_ret_1d
            from (
                select *, coalesce(is_held_overnight and ret_1d is not null
                    and previous_drifted_weight is not null, false) as in_day
                from members
            ) as flagged
            group by fund, price_date
        ), compounded as (
            select *, {compounded}
            from daily window w as (partition by fund order by concentration_date)
        ), rotation as (
            select * from {schema}.fct_rotation_daily where pair_id = '{pair}'
        ), etf_pair_funds as (
            select f.symbol as fund from pairs as p
            join instruments as l on l.symbol = p.large_symbol
            join instruments as f on coalesce(l.tracks, l.symbol) in (f.symbol, f.tracks)
            where p.pair_id = '{pair}'
        )
        select c.fund, c.concentration_date, sd.snapshot_date, sizes.snapshot_member_count,
            sizes.snapshot_member_count - c.weighted_member_count as unweighted_member_count,
            c.weighted_member_count,
            case when c.weighted_member_count between 1 and {top_n} then cast(1 as double)
                else c.top_n_weight / nullif(c.total_weight, 0) end as top_10_weight_frac,
            c.largest_weight / nullif(c.total_weight, 0) as largest_weight_frac,
            c.total_weight * c.total_weight / nullif(c.total_squared_weight, 0) as effective_names,
            c.return_member_count, c.equal_weight_ret_1d, c.cap_weight_ret_1d,
            (c.equal_weight_ret_1d - c.cap_weight_ret_1d) * 10000 as equal_minus_cap_1d_bps,
            case when c.ec_{c_s} = {c_s} and c.cc_{c_s} = {c_s}
                then (c.eg_{c_s} - c.cg_{c_s}) * 10000 end as equal_minus_cap_21d_bps,
            case when c.ec_{c_l} = {c_l} and c.cc_{c_l} = {c_l}
                then (c.eg_{c_l} - c.cg_{c_l}) * 10000 end as equal_minus_cap_63d_bps,
            r.spread_1d_bps as etf_equal_minus_cap_1d_bps,
            r.spread_21d_bps as etf_equal_minus_cap_21d_bps,
            r.spread_63d_bps as etf_equal_minus_cap_63d_bps
        from compounded as c
        left join snapshot_days as sd
            on sd.fund = c.fund and sd.trading_date = c.concentration_date
        left join (
            select fund, effective_date, count(*) as snapshot_member_count
            from holdings group by fund, effective_date
        ) as sizes on sizes.fund = c.fund and sizes.effective_date = sd.effective_date
        left join rotation as r on r.rotation_date = c.concentration_date
            and c.fund in (select fund from etf_pair_funds)"""

STATEMENTS = [
    SCHEMA,
    INSTRUMENTS,
    PAIRS,
    INSTRUMENT_PRICES,
    DAYS,
    ROTATION,
    HOLDINGS,
    SNAPSHOT_DAYS,
    MEMBERS,
    BREADTH,
    CONCENTRATION,
]


def _generated(v: dict) -> dict[str, str]:
    """The repeated column lists: the pair spreads of every period, and the compounded
    equal- and cap-weighted growth (with their counts) over the concentration windows."""
    spreads = ",\n".join(
        f"((small_return_price / lag(small_return_price, {n}) over w - 1)"
        f" - (large_return_price / lag(large_return_price, {n}) over w - 1)) * 10000"
        f" as spread_{n}d_bps"
        for n in SPREAD_PERIODS
    )
    compounded = ",\n".join(
        f"count(equal_weight_ret_1d) over ({frame}) as ec_{d},"
        f" count(cap_weight_ret_1d) over ({frame}) as cc_{d},"
        f" product(1 + equal_weight_ret_1d) over ({frame}) as eg_{d},"
        f" product(1 + cap_weight_ret_1d) over ({frame}) as cg_{d}"
        for d in (v["concentration_spread_short_days"], v["concentration_spread_long_days"])
        for frame in [f"w rows between {d - 1} preceding and current row"]
    )
    return {
        "spreads": spreads,
        "spread_cols": ", ".join(f"spread_{n}d_bps" for n in SPREAD_PERIODS),
        "compounded": compounded,
    }


def values(schema: str) -> dict:
    """What the templates are filled with: the dbt project's vars, and the generated lists."""
    v = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text())["vars"]
    ma_s, ma_l = v["rotation_ma_short_days"], v["rotation_ma_long_days"]
    b_s, b_l = v["breadth_ma_short_days"], v["breadth_ma_long_days"]
    return {
        "schema": schema,
        "seeds": SEEDS,
        "rp": "coalesce(cast(p.adj_close as double), cast(p.close as double))",
        "ma_s": ma_s,
        "ma_s_before": ma_s - 1,
        "ma_l": ma_l,
        "ma_l_before": ma_l - 1,
        "z": v["rotation_zscore_lookback_days"],
        "b_s": b_s,
        "b_s_before": b_s - 1,
        "b_l": b_l,
        "b_l_before": b_l - 1,
        "hl": v["breadth_high_low_days"],
        "part": v["breadth_participation_days"],
        "top_n": v["concentration_top_n"],
        "c_s": v["concentration_spread_short_days"],
        "c_l": v["concentration_spread_long_days"],
        "pair": v["concentration_etf_pair"],
        **_generated(v),
    }


def limit_sql(schema: str = "peers") -> list[str]:
    """The three marts as one hand-written DuckDB script (statements in order)."""
    filled = values(schema)
    return [statement.format(**filled) for statement in STATEMENTS]


def run_limit(warehouse: Path) -> dict:
    start = time.perf_counter()
    with duckdb.connect(str(warehouse)) as con:
        for statement in limit_sql():
            con.execute(statement)
    return {"seconds": time.perf_counter() - start}
