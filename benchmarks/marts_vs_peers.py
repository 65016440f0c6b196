"""Benchmark: the breadth, concentration and rotation marts against their peers (issue #7).

Measured side by side, twice, on the sample source's raw tables (raw.prices, raw.constituents)
and the seeds (dbt_models/seeds/*.csv):

1. a full build, every implementation from nothing, on the sample ending one trading day early;
2. a daily refresh: the sample's end moved on by one trading day (one new day of every series
   loaded into the same warehouse, as the daily schedule does). Ours refreshes what it built in
   1 (its incremental models replace only the days the change reaches); the peers have nothing
   to keep and compute everything again, as they would.

The implementations:

  a) ours: `dbt run --select +fct_breadth_daily +fct_concentration_daily +fct_rotation_daily`
     (models only; the seeds are loaded first by a `dbt seed` that is not timed), with
     `--full-refresh` in 1;
  b) the pandas peer: the three marts in plain, vectorized pandas/numpy (read raw.prices and
     raw.constituents from DuckDB into pandas, then groupby / shift / rolling); its time
     includes the read, and is also shown without it;
  c) the limit: the same three tables from one hand-written DuckDB SQL script (CTEs, no dbt),
     run through the duckdb Python API on a copy of the warehouse.

Each peer runs in its own subprocess (peak RSS from os.wait4); the pandas peer is stopped if its
RSS exceeds --max-rss-gb. After each part the three results are compared row by row on the
marts' keys (every column: null positions equal, numbers within 1e-9, text equal) (exit status 1
if they disagree): in 2 that checks ours' incremental refresh against two full computations.

    .venv/bin/python benchmarks/marts_vs_peers.py [--members 100 | --warehouse FILE] [--repeat 3]

With --warehouse (a file with raw.* loaded) only the full build is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml
from build_times import DAY_BEFORE, END, ROOT, scratch_env, speed_probe

DBT_DIR = ROOT / "dbt_models"
SEEDS = DBT_DIR / "seeds"
VARS = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text())["vars"]
SCRATCH = Path("/tmp/peers")
MARTS = ("fct_rotation_daily", "fct_breadth_daily", "fct_concentration_daily")
KEYS = {
    "fct_rotation_daily": ["pair_id", "rotation_date"],
    "fct_breadth_daily": ["fund", "breadth_date"],
    "fct_concentration_daily": ["fund", "concentration_date"],
}
SELECT = "+fct_breadth_daily +fct_concentration_daily +fct_rotation_daily"
SPREAD_PERIODS = (1, 5, 10, 21, 63, 126, 252)
TOLERANCE = 1e-9


# ------------------------------------------------------------------------------ c) the limit
def limit_sql(schema: str = "peers") -> list[str]:
    """The three marts as one hand-written DuckDB script (statements in order)."""
    v = VARS
    ma_s, ma_l, z = (
        v["rotation_ma_short_days"],
        v["rotation_ma_long_days"],
        v["rotation_zscore_lookback_days"],
    )
    b_s, b_l = v["breadth_ma_short_days"], v["breadth_ma_long_days"]
    hl, part = v["breadth_high_low_days"], v["breadth_participation_days"]
    top_n, c_s, c_l = (
        v["concentration_top_n"],
        v["concentration_spread_short_days"],
        v["concentration_spread_long_days"],
    )
    pair = v["concentration_etf_pair"]
    spreads = ",\n".join(
        f"((small_return_price / lag(small_return_price, {n}) over w - 1)"
        f" - (large_return_price / lag(large_return_price, {n}) over w - 1)) * 10000"
        f" as spread_{n}d_bps"
        for n in SPREAD_PERIODS
    )
    spread_cols = ", ".join(f"spread_{n}d_bps" for n in SPREAD_PERIODS)
    compounded = ",\n".join(
        f"count(equal_weight_ret_1d) over ({frame}) as ec_{d},"
        f" count(cap_weight_ret_1d) over ({frame}) as cc_{d},"
        f" product(1 + equal_weight_ret_1d) over ({frame}) as eg_{d},"
        f" product(1 + cap_weight_ret_1d) over ({frame}) as cg_{d}"
        for d in (c_s, c_l)
        for frame in [f"w rows between {d - 1} preceding and current row"]
    )
    rp = "coalesce(cast(p.adj_close as double), cast(p.close as double))"
    return [
        f"create schema if not exists {schema}",
        f"""create or replace temp table instruments as
        select * from read_csv('{SEEDS}/instruments.csv', header = true, all_varchar = true)""",
        f"""create or replace temp table pairs as
        select * from read_csv('{SEEDS}/pairs.csv', header = true, all_varchar = true)""",
        # the seed's instruments, with fct_prices_daily's returns
        f"""create or replace temp table instrument_prices as
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
        from lagged""",
        """create or replace temp table days as
        with calendar as (
            select distinct p.price_date as trading_date
            from instrument_prices as p join instruments as i on i.symbol = p.symbol
            where i.kind = 'index' and i.segment = 'large'
        )
        select trading_date from calendar
        union all
        select distinct cast("date" as date) from raw.prices
        where not exists (select 1 from calendar)""",
        f"""create or replace table {schema}.fct_rotation_daily as
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
                case when count(ratio) over (w rows between {ma_s - 1} preceding and current row)
                    = {ma_s}
                    then avg(ratio) over (w rows between {ma_s - 1} preceding and current row)
                end as ratio_ma_50,
                case when count(ratio) over (w rows between {ma_l - 1} preceding and current row)
                    = {ma_l}
                    then avg(ratio) over (w rows between {ma_l - 1} preceding and current row)
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
        from trailing_windows""",
        # holdings snapshots on the trading day whose close they describe, with base prices
        f"""create or replace temp table holdings as
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
        left join last_prices as l using (fund, effective_date, symbol)""",
        """create or replace temp table snapshot_days as
        with snapshots as (select distinct fund, effective_date, snapshot_date from holdings),
        fund_days as (
            select f.fund, d.trading_date
            from (select distinct fund from snapshots) as f cross join days as d
        )
        select fd.fund, fd.trading_date, s.effective_date, s.snapshot_date,
            lag(s.effective_date) over (partition by fd.fund order by fd.trading_date)
                as previous_effective_date
        from fund_days as fd asof join snapshots as s
            on fd.fund = s.fund and fd.trading_date >= s.effective_date""",
        # member days: each member's own windows, then membership and drifted weights per fund
        f"""create or replace temp table members as
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
                avg(return_price) over (w rows between {b_s - 1} preceding and current row) as ma_s,
                avg(return_price) over (w rows between {b_l - 1} preceding and current row) as ma_l,
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
        select * from joined where is_member or is_held_overnight""",
        f"""create or replace table {schema}.fct_breadth_daily as
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
        left join instrument_prices as f on f.symbol = d.fund and f.price_date = d.breadth_date""",
        f"""create or replace table {schema}.fct_concentration_daily as
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
            and c.fund in (select fund from etf_pair_funds)""",
    ]


def run_limit(warehouse: Path) -> dict:
    start = time.perf_counter()
    with duckdb.connect(str(warehouse)) as con:
        for statement in limit_sql():
            con.execute(statement)
    return {"seconds": time.perf_counter() - start}


# ------------------------------------------------------------------------------ b) pandas peer
def read_inputs(warehouse: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        prices = con.sql("select symbol, date, close, adj_close from raw.prices").df()
        constituents = con.sql("select fund, date, symbol, weight from raw.constituents").df()
    instruments = pd.read_csv(SEEDS / "instruments.csv", dtype=str)
    pairs = pd.read_csv(SEEDS / "pairs.csv", dtype=str)
    return {
        "prices": prices,
        "constituents": constituents,
        "instruments": instruments,
        "pairs": pairs,
    }


def _shift(values: np.ndarray, n: int, row: np.ndarray) -> np.ndarray:
    """values shifted n rows down within groups of consecutive rows (row: position in group)."""
    missing = np.datetime64("NaT") if values.dtype.kind == "M" else np.nan
    out = np.empty_like(values)
    out[n:] = values[:-n]
    out[:n] = missing
    out[row < n] = missing
    return out


def _rolling(values: np.ndarray, width: int, how: str, row: np.ndarray, full_from: int):
    """A trailing window over the whole array, kept where the row's window lies in its group."""
    out = getattr(pd.Series(values).rolling(width, min_periods=1), how)().to_numpy(copy=True)
    out[row < full_from] = np.nan
    return out


def _flag(condition: np.ndarray, known: np.ndarray) -> np.ndarray:
    return np.where(known, condition.astype(float), np.nan)


def pandas_marts(inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    v = VARS
    part = v["breadth_participation_days"]
    # popped: the raw frames are freed as soon as their compact copies exist
    prices, constituents = inputs.pop("prices"), inputs.pop("constituents")
    instruments, pairs = inputs["instruments"], inputs["pairs"]

    symbols = pd.CategoricalDtype(
        sorted(set(prices["symbol"].unique()) | set(constituents["symbol"].unique()))
    )
    prices = pd.DataFrame(
        {
            "symbol": prices["symbol"].astype(symbols),
            "date": pd.to_datetime(prices["date"]).to_numpy("datetime64[ns]"),
            "return_price": prices["adj_close"].fillna(prices["close"]).to_numpy(float),
        }
    )

    # fct_prices_daily: the seed's instruments
    inst = prices[prices["symbol"].isin(instruments["symbol"])]
    inst = inst.sort_values(["symbol", "date"], ignore_index=True)
    row = inst.groupby("symbol", observed=True).cumcount().to_numpy()
    price = inst["return_price"].to_numpy()
    previous = _shift(price, 1, row)
    inst["ret_1d"] = price / previous - 1
    inst[f"ret_{part}d"] = price / _shift(price, part, row) - 1
    year = inst["date"].dt.year.to_numpy()
    first_of_year = (row == 0) | (year != np.roll(year, 1))
    start = np.maximum.accumulate(np.where(first_of_year, np.arange(len(inst)), 0))
    inst["ret_ytd"] = price / previous[start] - 1

    # the calendar: the large-cap index's days, else every price date
    large = instruments.loc[
        (instruments["kind"] == "index") & (instruments["segment"] == "large"), "symbol"
    ]
    calendar = np.unique(inst.loc[inst["symbol"].isin(large), "date"].to_numpy())
    if len(calendar) == 0:
        calendar = np.unique(prices["date"].to_numpy())

    # fct_rotation_daily
    legs = inst[["symbol", "date", "return_price", "ret_ytd"]].assign(
        symbol=inst["symbol"].astype(str)
    )
    small = legs.rename(
        columns={
            "symbol": "small_symbol",
            "return_price": "small_return_price",
            "ret_ytd": "small_ret_ytd",
        }
    )
    big = legs.rename(
        columns={
            "symbol": "large_symbol",
            "return_price": "large_return_price",
            "ret_ytd": "large_ret_ytd",
        }
    )
    rot = pairs[["pair_id", "small_symbol", "large_symbol"]].merge(small, on="small_symbol")
    rot = rot.merge(big, on=["large_symbol", "date"]).rename(columns={"date": "rotation_date"})
    rot = rot.sort_values(["pair_id", "rotation_date"], ignore_index=True)
    row = rot.groupby("pair_id").cumcount().to_numpy()
    s, b = rot["small_return_price"].to_numpy(), rot["large_return_price"].to_numpy()
    relative = s / b
    start = np.maximum.accumulate(np.where(row == 0, np.arange(len(rot)), 0))
    ratio = 100 * relative / relative[start]
    rot["ratio"] = ratio
    for name, width in (("50", v["rotation_ma_short_days"]), ("200", v["rotation_ma_long_days"])):
        rot[f"ratio_ma_{name}"] = _rolling(ratio, width, "mean", row, width - 1)
    for n in SPREAD_PERIODS:
        rot[f"spread_{n}d_bps"] = (
            (s / _shift(s, n, row) - 1) - (b / _shift(b, n, row) - 1)
        ) * 10000
    rot["spread_ytd_bps"] = (rot["small_ret_ytd"] - rot["large_ret_ytd"]) * 10000
    lookback = v["rotation_zscore_lookback_days"]
    history = pd.Series(_shift(rot["spread_10d_bps"].to_numpy(), 1, row)).rolling(lookback)
    std = history.std().to_numpy()  # sample (ddof 1); NaN unless `lookback` values, in group
    zscore = (rot["spread_10d_bps"].to_numpy() - history.mean().to_numpy()) / np.where(
        std == 0, np.nan, std
    )
    zscore[row < lookback] = np.nan
    rot["spread_10d_zscore"] = zscore
    rot["relative_drawdown"] = ratio / rot.groupby("pair_id")["ratio"].cummax().to_numpy() - 1
    ma50, ma200 = rot["ratio_ma_50"].to_numpy(), rot["ratio_ma_200"].to_numpy()
    rot["regime"] = np.select(
        [
            np.isnan(ma200),
            (ratio > ma200) & (ma50 > ma200),
            (ratio < ma200) & (ma50 < ma200),
        ],
        [None, "small_cap_leadership", "large_cap_leadership"],
        "neutral",
    )

    # int_member_returns_daily: members on the calendar, their own windows
    member_symbols = constituents["symbol"].unique()
    mp = prices[prices["symbol"].isin(member_symbols) & prices["date"].isin(calendar)]
    mp = mp.sort_values(["symbol", "date"], ignore_index=True)
    row = mp.groupby("symbol", observed=True).cumcount().to_numpy()
    price = mp["return_price"].to_numpy()
    previous = _shift(price, 1, row)
    mp["previous_date"] = _shift(mp["date"].to_numpy(), 1, row)
    mp["previous_return_price"] = previous
    mp["ret_1d"] = price / previous - 1
    mp["ret_63d"] = price / _shift(price, part, row) - 1
    for name, width in (("50", v["breadth_ma_short_days"]), ("200", v["breadth_ma_long_days"])):
        average = _rolling(price, width, "mean", row, width - 1)
        mp[f"is_above_ma_{name}"] = _flag(price > average, row >= width - 1)
    high_low = v["breadth_high_low_days"]
    high = _rolling(previous, high_low, "max", row, high_low)
    low = _rolling(previous, high_low, "min", row, high_low)
    mp["is_new_high_252d"] = _flag(price > high, row >= high_low)
    mp["is_new_low_252d"] = _flag(price < low, row >= high_low)

    # int_fund_holdings: each snapshot on the trading day whose close it describes
    hold = pd.DataFrame(
        {
            "fund": constituents["fund"].to_numpy(),
            "snapshot_date": pd.to_datetime(constituents["date"]).to_numpy("datetime64[ns]"),
            "symbol": constituents["symbol"].astype(symbols),
            "weight_frac": constituents["weight"].to_numpy(float),
        }
    )
    # a snapshot dated on the calendar's next weekday or later waits for its close's prices
    next_weekday = np.busday_offset(calendar[-1].astype("datetime64[D]"), 1, roll="backward")
    hold = hold[hold["snapshot_date"] < next_weekday]
    snaps = hold[["fund", "snapshot_date"]].drop_duplicates()
    position = np.searchsorted(calendar, snaps["snapshot_date"].to_numpy(), side="right") - 1
    snaps["effective_date"] = np.where(
        position >= 0, calendar[np.maximum(position, 0)], snaps["snapshot_date"].to_numpy()
    )
    snaps = snaps.sort_values("snapshot_date").drop_duplicates(
        ["fund", "effective_date"], keep="last"
    )
    hold = hold.merge(snaps, on=["fund", "snapshot_date"])
    bases = prices[prices["date"].isin(hold["effective_date"].unique())]
    hold = hold.merge(
        bases.rename(columns={"date": "effective_date", "return_price": "snapshot_return_price"}),
        on=["symbol", "effective_date"],
        how="left",
    )
    # a member without a price on that close: its last trading-day price before it
    unpriced = hold.loc[hold["snapshot_return_price"].isna(), ["symbol", "effective_date"]]
    last = pd.merge_asof(
        unpriced.reset_index().sort_values("effective_date"),
        mp.loc[
            mp["symbol"].isin(unpriced["symbol"]), ["symbol", "date", "return_price"]
        ].sort_values("date"),
        left_on="effective_date",
        right_on="date",
        by="symbol",
    )
    hold.loc[last["index"], "snapshot_return_price"] = last["return_price"].to_numpy()
    hold["held"] = True

    # int_fund_members_daily: member days per fund, snapshot in force today and yesterday
    parts = []
    for fund, fund_hold in hold.groupby("fund"):
        snapshot_days = fund_hold[["effective_date", "snapshot_date"]].drop_duplicates()
        snapshot_days = snapshot_days.sort_values("effective_date")
        effective = snapshot_days["effective_date"].to_numpy()
        rows = mp[mp["symbol"].isin(fund_hold["symbol"].unique())]
        position = np.searchsorted(effective, rows["date"].to_numpy(), side="right") - 1
        rows = rows[position >= 0].assign(
            fund=fund,
            effective_date=effective[position[position >= 0]],
            snapshot_date=snapshot_days["snapshot_date"].to_numpy()[position[position >= 0]],
        )
        # held overnight: the snapshot in force at the previous trading day's close
        day = np.searchsorted(calendar, rows["date"].to_numpy()) - 1
        previous_date = calendar[np.maximum(day, 0)]
        position = np.searchsorted(effective, previous_date, side="right") - 1
        valid = (position >= 0) & (day >= 0)
        rows["previous_effective_date"] = np.where(
            valid, effective[np.maximum(position, 0)], np.datetime64("NaT")
        )
        weights = fund_hold[["effective_date", "symbol", "weight_frac", "snapshot_return_price"]]
        weights = weights.assign(held=True)
        rows = rows.merge(weights, on=["effective_date", "symbol"], how="left")
        rows = rows.merge(
            weights.rename(
                columns={
                    "effective_date": "previous_effective_date",
                    "weight_frac": "previous_weight_frac",
                    "snapshot_return_price": "previous_snapshot_return_price",
                    "held": "held_before",
                }
            ),
            on=["previous_effective_date", "symbol"],
            how="left",
        )
        rows["is_member"] = rows["held"].notna().to_numpy()
        rows["is_held_overnight"] = rows["held_before"].notna().to_numpy()
        rows["drifted_weight"] = (
            rows["weight_frac"] * rows["return_price"] / rows["snapshot_return_price"]
        )
        rows["previous_drifted_weight"] = (
            rows["previous_weight_frac"]
            * rows["previous_return_price"]
            / rows["previous_snapshot_return_price"]
        )
        keep = ["fund", "symbol", "date", "snapshot_date", "effective_date", "is_member"]
        keep += ["is_held_overnight", "drifted_weight"]
        keep += ["previous_drifted_weight", "ret_1d", "ret_63d", "is_above_ma_50"]
        keep += ["is_above_ma_200", "is_new_high_252d", "is_new_low_252d"]
        parts.append(rows.loc[rows["is_member"] | rows["is_held_overnight"], keep])
        del rows
    del mp
    members = pd.concat(parts, ignore_index=True)
    del parts

    # fct_breadth_daily
    current = members[members["is_member"]]
    ret = current["ret_1d"].to_numpy()
    flags = current.assign(
        above_50=current["is_above_ma_50"] == 1,
        above_200=current["is_above_ma_200"] == 1,
        advances=ret > 0,
        declines=ret < 0,
        unchanged=ret == 0,
        new_high=current["is_new_high_252d"] == 1,
        new_low=current["is_new_low_252d"] == 1,
    )
    breadth = (
        flags.groupby(["fund", "date"])
        .agg(
            member_count=("symbol", "size"),
            above_50=("above_50", "sum"),
            ma_50_member_count=("is_above_ma_50", "count"),
            above_200=("above_200", "sum"),
            ma_200_member_count=("is_above_ma_200", "count"),
            advances=("advances", "sum"),
            declines=("declines", "sum"),
            unchanged=("unchanged", "sum"),
            new_highs_252d=("new_high", "sum"),
            new_lows_252d=("new_low", "sum"),
            high_low_member_count=("is_new_high_252d", "count"),
            median_member_ret_1d=("ret_1d", "median"),
            median_member_ret_63d=("ret_63d", "median"),
        )
        .reset_index()
        .rename(columns={"date": "breadth_date"})
    )
    breadth["above_ma_50_frac"] = breadth["above_50"] / breadth["ma_50_member_count"].replace(
        0, np.nan
    )
    breadth["above_ma_200_frac"] = breadth["above_200"] / breadth["ma_200_member_count"].replace(
        0, np.nan
    )
    breadth["ad_line"] = (
        (breadth["advances"] - breadth["declines"]).groupby(breadth["fund"]).cumsum()
    )
    breadth["net_new_highs_252d"] = breadth["new_highs_252d"] - breadth["new_lows_252d"]
    breadth["net_new_highs_frac"] = breadth["net_new_highs_252d"] / breadth[
        "high_low_member_count"
    ].replace(0, np.nan)
    index = inst[["symbol", "date", "ret_1d", f"ret_{part}d"]].rename(
        columns={
            "symbol": "fund",
            "date": "breadth_date",
            "ret_1d": "index_ret_1d",
            f"ret_{part}d": "index_ret_63d",
        }
    )
    index["fund"] = index["fund"].astype(str)
    breadth = breadth.merge(index, on=["fund", "breadth_date"], how="left")
    breadth["participation_1d_bps"] = (
        breadth["median_member_ret_1d"] - breadth["index_ret_1d"]
    ) * 10000
    breadth["participation_63d_bps"] = (
        breadth["median_member_ret_63d"] - breadth["index_ret_63d"]
    ) * 10000
    breadth = breadth.drop(columns=["above_50", "above_200"])

    # fct_concentration_daily
    weight = members["drifted_weight"].to_numpy()
    in_day = (
        members["is_held_overnight"].to_numpy()
        & members["ret_1d"].notna().to_numpy()
        & members["previous_drifted_weight"].notna().to_numpy()
    )
    day_ret = np.where(in_day, members["ret_1d"].to_numpy(), np.nan)
    day_weight = np.where(in_day, members["previous_drifted_weight"].to_numpy(), np.nan)
    work = pd.DataFrame(
        {
            "fund": members["fund"].to_numpy(),
            "concentration_date": members["date"].to_numpy(),
            "snapshot_date": members["snapshot_date"].to_numpy(),
            "effective_date": members["effective_date"].to_numpy(),
            "weight": weight,
            "squared": weight * weight,
            "in_day": in_day,
            "day_ret": day_ret,
            "day_weight": day_weight,
            "weighted_ret": day_weight * day_ret,
        }
    )
    groups = work.groupby(["fund", "concentration_date"])
    conc = groups.agg(
        snapshot_date=("snapshot_date", "first"),
        effective_date=("effective_date", "first"),
        weighted_member_count=("weight", "count"),
        largest_weight=("weight", "max"),
        return_member_count=("in_day", "sum"),
        equal_weight_ret_1d=("day_ret", "mean"),
    )
    conc["total_weight"] = groups["weight"].sum(min_count=1)
    conc["total_squared_weight"] = groups["squared"].sum(min_count=1)
    conc["cap_weight_ret_1d"] = groups["weighted_ret"].sum(min_count=1) / groups["day_weight"].sum(
        min_count=1
    ).replace(0, np.nan)
    top_n = v["concentration_top_n"]
    ranked = work[["fund", "concentration_date", "weight"]].dropna()
    ranked = ranked.sort_values(
        ["fund", "concentration_date", "weight"], ascending=[True, True, False]
    )
    ranked = ranked[ranked.groupby(["fund", "concentration_date"]).cumcount() < top_n]
    conc["top_n_weight"] = ranked.groupby(["fund", "concentration_date"])["weight"].sum()
    conc = conc.reset_index().sort_values(["fund", "concentration_date"], ignore_index=True)
    # the members listed by the snapshot in force, priced or not
    sizes = hold.groupby(["fund", "effective_date"]).size().rename("snapshot_member_count")
    conc = conc.merge(sizes.reset_index(), on=["fund", "effective_date"], how="left")
    conc["unweighted_member_count"] = conc["snapshot_member_count"] - conc["weighted_member_count"]
    total = conc["total_weight"].replace(0, np.nan)
    count = conc["weighted_member_count"]
    conc["top_10_weight_frac"] = np.where(
        (count >= 1) & (count <= top_n), 1.0, conc["top_n_weight"] / total
    )
    conc["largest_weight_frac"] = conc["largest_weight"] / total
    conc["effective_names"] = conc["total_weight"] ** 2 / conc["total_squared_weight"].replace(
        0, np.nan
    )
    conc["equal_minus_cap_1d_bps"] = (conc["equal_weight_ret_1d"] - conc["cap_weight_ret_1d"]) * 1e4
    row = conc.groupby("fund").cumcount().to_numpy()
    for name, width in (
        ("21d", v["concentration_spread_short_days"]),
        ("63d", v["concentration_spread_long_days"]),
    ):
        # product over the last `width` rows, NaN if any is missing (log-free: exact products)
        growth = {}
        for column in ("equal_weight_ret_1d", "cap_weight_ret_1d"):
            factor = 1 + conc[column].to_numpy()
            out = np.full(len(conc), np.nan)
            if len(conc) >= width:
                windows = np.lib.stride_tricks.sliding_window_view(factor, width)
                out[width - 1 :] = windows.prod(axis=1)
            out[row < width - 1] = np.nan
            growth[column] = out
        conc[f"equal_minus_cap_{name}_bps"] = (
            growth["equal_weight_ret_1d"] - growth["cap_weight_ret_1d"]
        ) * 10000
    etf = rot.loc[
        rot["pair_id"] == v["concentration_etf_pair"],
        ["rotation_date", "spread_1d_bps", "spread_21d_bps", "spread_63d_bps"],
    ].rename(
        columns={
            "rotation_date": "concentration_date",
            "spread_1d_bps": "etf_equal_minus_cap_1d_bps",
            "spread_21d_bps": "etf_equal_minus_cap_21d_bps",
            "spread_63d_bps": "etf_equal_minus_cap_63d_bps",
        }
    )
    conc = conc.merge(etf, on="concentration_date", how="left")
    # only on the rows of the funds that track the index of the pair's cap-weight ETF
    large = pairs.set_index("pair_id").loc[v["concentration_etf_pair"], "large_symbol"]
    tracked = instruments.set_index("symbol")["tracks"].get(large)
    index = large if pd.isna(tracked) else tracked
    etf_funds = instruments.loc[
        (instruments["symbol"] == index) | (instruments["tracks"] == index), "symbol"
    ]
    conc.loc[~conc["fund"].isin(etf_funds), list(etf.columns[1:])] = np.nan
    conc = conc.drop(columns=["total_weight", "total_squared_weight", "largest_weight"])
    conc = conc.drop(columns=["top_n_weight", "effective_date"])
    return {
        "fct_rotation_daily": rot,
        "fct_breadth_daily": breadth,
        "fct_concentration_daily": conc,
    }


def run_pandas(warehouse: Path, output: Path | None) -> dict:
    start = time.perf_counter()
    inputs = read_inputs(warehouse)
    read = time.perf_counter() - start
    marts = pandas_marts(inputs)
    seconds = time.perf_counter() - start
    if output is not None:
        output.write_bytes(pickle.dumps(marts))
    return {"seconds": seconds, "read_seconds": read, "compute_seconds": seconds - read}


# ------------------------------------------------------------------------------ the harness
def peer_subprocess(kind: str, warehouse: Path, output: Path | None, max_rss_gb: float) -> dict:
    """Run one peer in a subprocess; its figures, peak RSS (GB), or why it was stopped."""
    command = [sys.executable, __file__, "--peer", kind, "--warehouse", str(warehouse)]
    if output is not None:
        command += ["--peer-output", str(output)]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    stopped = threading.Event()

    def watch() -> None:
        status = Path(f"/proc/{process.pid}/status")
        while process.poll() is None:
            try:
                text = status.read_text()
            except OSError:
                return
            rss_kb = int(text.split("VmRSS:")[1].split()[0]) if "VmRSS:" in text else 0
            if rss_kb > max_rss_gb * 1024 * 1024:
                stopped.set()
                process.send_signal(signal.SIGKILL)
                return
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    watcher.join()
    elapsed = time.perf_counter() - began
    peak = usage.ru_maxrss / 1024 / 1024
    if stopped.is_set():
        message = f"stopped above {max_rss_gb:g} GB RSS after {elapsed:.0f} s"
        return {"stopped": message, "peak_rss_gb": peak}
    if process.returncode != 0:
        raise RuntimeError(f"{kind} peer failed ({process.returncode})")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_rss_gb": peak}


def dbt(args: list[str], warehouse: Path) -> dict:
    command = [str(Path(sys.executable).with_name("dbt")), *args]
    command += ["--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
    command += ["--target-path", str(SCRATCH / "target"), "--log-path", str(SCRATCH / "logs")]
    command += ["--vars", json.dumps({"warehouse_path": str(warehouse)}), "--quiet"]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=DBT_DIR, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed")
    return {"seconds": seconds, "peak_rss_gb": usage.ru_maxrss / 1024 / 1024}


def load_sample(members: int, folder: Path, warehouse: Path, end: str) -> float:
    """Seconds to load the sample source's raw tables (`raw/*` assets only, with their checks)
    up to ``end`` into ``warehouse``, members per index."""
    env = scratch_env(
        folder,
        ROTATION_WAREHOUSE=str(warehouse),
        ROTATION_SAMPLE_MEMBERS=str(members),
        ROTATION_SAMPLE_END=end,
    )
    command = ["dagster", "asset", "materialize", "-m", "dagster_project.definitions"]
    command += ["--select", "key:raw/*"]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _normalize(frame: pd.DataFrame, mart: str) -> pd.DataFrame:
    frame = frame.copy()
    date_key = KEYS[mart][1]
    frame[date_key] = pd.to_datetime(frame[date_key]).astype("datetime64[ns]")
    frame[KEYS[mart][0]] = frame[KEYS[mart][0]].astype(str)
    return frame.sort_values(KEYS[mart], ignore_index=True)


def compare(ours: pd.DataFrame, other: pd.DataFrame, mart: str) -> dict:
    """Rows and every column of ours against a peer, joined on the keys."""
    keys = KEYS[mart]
    ours, other = _normalize(ours, mart), _normalize(other, mart)
    missing = [c for c in ours.columns if c not in other.columns]
    assert not missing, f"{mart}: peer lacks {missing}"
    joined = ours.merge(other[ours.columns], on=keys, how="outer", suffixes=("", "_peer"))
    unmatched = int(len(joined) - len(ours.merge(other[keys], on=keys)))
    worst, worst_column, mismatches = 0.0, "", []
    for column in ours.columns:
        if column in keys:
            continue
        a, b = joined[column], joined[f"{column}_peer"]
        if pd.api.types.is_numeric_dtype(a) or pd.api.types.is_bool_dtype(a):
            a = pd.to_numeric(a, errors="coerce").astype(float).to_numpy()
            b = pd.to_numeric(b, errors="coerce").astype(float).to_numpy()
            nulls = np.isnan(a) != np.isnan(b)
            both = ~np.isnan(a) & ~np.isnan(b)
            diff = float(np.max(np.abs(a[both] - b[both]), initial=0.0))
            if diff > worst:
                worst, worst_column = diff, column
            if nulls.any() or diff > TOLERANCE:
                mismatches.append(f"{column} (nulls {int(nulls.sum())}, max diff {diff:.3g})")
        else:
            differs = (a.fillna("<null>").astype(str) != b.fillna("<null>").astype(str)).sum()
            if differs:
                mismatches.append(f"{column} ({int(differs)} differ)")
    return {
        "rows": (len(ours), len(other)),
        "unmatched": unmatched,
        "max_abs_diff": worst,
        "worst_column": worst_column,
        "mismatches": mismatches,
    }


def machine() -> str:
    mem_kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    return (
        f"{os.cpu_count()} cores, {mem_kb / 1024 / 1024:.1f} GB RAM, Python "
        f"{platform.python_version()}, duckdb {duckdb.__version__}, pandas {pd.__version__};"
        f" speed probe: {speed_probe()}"
    )


def race(ours, source: Path, limit_db: Path, output: Path, args) -> dict[str, list[dict]]:
    """Each implementation ``args.repeat`` times, interleaved: ``ours()`` (a callable running
    dbt), the pandas peer on ``source`` (its first result kept in ``output``) and the limit on
    ``limit_db``."""
    runs: dict[str, list[dict]] = {"ours": [], "pandas": [], "limit": []}
    for i in range(args.repeat):
        runs["ours"].append(ours())
        if not runs["pandas"] or "stopped" not in runs["pandas"][-1]:
            kept = output if i == 0 else None
            runs["pandas"].append(peer_subprocess("pandas", source, kept, args.max_rss_gb))
        runs["limit"].append(peer_subprocess("sql", limit_db, None, 1e9))
    return runs


def agreement(ours_db: Path, limit_db: Path, pandas_out: Path) -> dict:
    """Ours against each peer, every mart and column."""
    with duckdb.connect(str(ours_db), read_only=True) as con:
        ours = {m: con.sql(f"select * from marts.{m}").df() for m in MARTS}
    with duckdb.connect(str(limit_db), read_only=True) as con:
        peers = {
            "limit (one SQL script)": {m: con.sql(f"select * from peers.{m}").df() for m in MARTS}
        }
    if pandas_out.exists():
        peers["pandas peer"] = pickle.loads(pandas_out.read_bytes())
        pandas_out.unlink()
    return {
        (name, mart): compare(ours[mart], marts[mart], mart)
        for name, marts in peers.items()
        for mart in MARTS
    }


def row(*cells: object) -> None:
    print("| " + " | ".join(str(cell) for cell in cells) + " |")


def report(title: str, ours_label: str, runs: dict, agreed: dict, repeat: int) -> bool:
    """Print one part's tables; whether every implementation agreed."""

    def median(kind: str, field: str = "seconds") -> float:
        return statistics.median(r[field] for r in runs[kind])

    def peak(kind: str) -> float:
        return max(r["peak_rss_gb"] for r in runs[kind])

    base = median("ours")
    print(f"\n## {title}\n\nmedian of {repeat} runs, interleaved\n")
    row("implementation", "seconds (median)", "ratio to ours", "peak RSS GB")
    print("|---|---:|---:|---:|")
    row(ours_label, f"{base:.2f}", "1.00", f"{peak('ours'):.2f}")
    if runs["pandas"] and "stopped" in runs["pandas"][-1]:
        row("pandas peer", runs["pandas"][-1]["stopped"], "-", f"{peak('pandas'):.2f}")
    else:
        seconds, compute = median("pandas"), median("pandas", "compute_seconds")
        read = median("pandas", "read_seconds")
        row(
            "pandas peer (incl. read from DuckDB)",
            f"{seconds:.2f}",
            f"{seconds / base:.2f}",
            f"{peak('pandas'):.2f}",
        )
        row(
            f"pandas peer (compute only; read {read:.2f} s)",
            f"{compute:.2f}",
            f"{compute / base:.2f}",
            "",
        )
    seconds = median("limit")
    row(
        "limit: one hand-written DuckDB SQL script",
        f"{seconds:.2f}",
        f"{seconds / base:.2f}",
        f"{peak('limit'):.2f}",
    )
    every = "; ".join(
        f"{kind} " + ", ".join(f"{r.get('seconds', float('nan')):.2f}" for r in results)
        for kind, results in runs.items()
    )
    print(f"\nruns (s): {every}\n")
    row(
        "peer",
        "mart",
        "rows ours",
        "rows peer",
        "keys unmatched",
        "max abs diff (column)",
        "mismatches",
    )
    print("|---|---|---:|---:|---:|---|---|")
    for (name, mart), result in agreed.items():
        rows_ours, rows_peer = result["rows"]
        print(
            f"| {name} | {mart} | {rows_ours:,} | {rows_peer:,} | {result['unmatched']} | "
            f"{result['max_abs_diff']:.2e} ({result['worst_column']}) | "
            f"{'; '.join(result['mismatches']) or 'none'} |"
        )
    if not any(name == "pandas peer" for name, _ in agreed):
        print("\n(the pandas peer did not finish: no agreement figures for it)")
    return not any(r["mismatches"] or r["unmatched"] for r in agreed.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="a warehouse file with raw.* loaded")
    parser.add_argument("--members", type=int, default=100, help="sample members per index")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-rss-gb", type=float, default=12.0, help="stop the pandas peer")
    parser.add_argument("--peer", choices=["pandas", "sql"], help=argparse.SUPPRESS)
    parser.add_argument("--peer-output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer == "pandas":
        print(json.dumps(run_pandas(args.warehouse, args.peer_output)))
        return
    if args.peer == "sql":
        print(json.dumps(run_limit(args.warehouse)))
        return

    SCRATCH.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder:
        folder = Path(folder)
        ours_db, limit_db, new_day_db, pandas_out = (
            folder / "ours.duckdb",
            folder / "limit.duckdb",
            folder / "new_day.duckdb",
            folder / "pandas.pkl",
        )
        source = args.warehouse
        if source is None:
            source = folder / "rotation.duckdb"
            took = load_sample(args.members, folder, source, DAY_BEFORE)
            print(f"sample warehouse (--members {args.members}) loaded in {took:.0f} s")
        shutil.copyfile(source, ours_db)
        shutil.copyfile(source, limit_db)
        with duckdb.connect(str(source), read_only=True) as con:
            price_rows = con.sql("select count(*) from raw.prices").fetchall()[0][0]
            constituent_rows = con.sql("select count(*) from raw.constituents").fetchall()[0][0]
        print(f"\n{price_rows:,} rows of raw.prices, {constituent_rows:,} of raw.constituents")
        print(f"machine: {machine()}")
        dbt(["seed"], ours_db)  # not timed

        def full_build() -> dict:
            return dbt(["run", "--full-refresh", "--select", SELECT], ours_db)

        runs = race(full_build, source, limit_db, pandas_out, args)
        agreed = [
            report(
                "1. Full build",
                "ours: dbt run --full-refresh (+3 marts, models only)",
                runs,
                agreement(ours_db, limit_db, pandas_out),
                args.repeat,
            )
        ]

        if args.warehouse is None:
            # one new day into the warehouse ours last built; each run of ours refreshes a copy
            # of it, at the same path (dbt parses the project again when a var changes)
            took = load_sample(args.members, folder, ours_db, END)
            print(f"\none new trading day ({END}) loaded in {took:.0f} s")
            shutil.copyfile(ours_db, new_day_db)
            shutil.copyfile(ours_db, limit_db)

            def refresh() -> dict:
                shutil.copyfile(new_day_db, ours_db)
                return dbt(["run", "--select", SELECT], ours_db)

            runs = race(refresh, new_day_db, limit_db, pandas_out, args)
            agreed.append(
                report(
                    "2. Daily refresh: one new day",
                    "ours: dbt run (+3 marts; incremental where it pays)",
                    runs,
                    agreement(ours_db, limit_db, pandas_out),
                    args.repeat,
                )
            )
    if not all(agreed):
        sys.exit("\nthe implementations disagree: the timings above compare different work")


if __name__ == "__main__":
    main()
