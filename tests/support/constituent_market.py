"""A small synthetic cross-section for the breadth and concentration marts, and their pandas twin.

``generate`` makes about 50 members each for '^RUT' and '^GSPC' (month-end holdings snapshots in
raw.constituents, member prices in raw.prices next to the indices and the RSP/SPY pair), with
the awkward cases the marts must handle: members joining, leaving and coming back, one member
in both funds, a snapshot dated on a weekend, a member priced only after the snapshot that lists
it, gaps in a member's prices (members halted across the snapshot at which they leave or
join), members with and without adj_close, a holding without prices, and two snapshots dated
on one weekend (the later one counts).
``build_warehouse`` loads it into a fresh DuckDB file and runs dbt on the marts;
``expected_breadth`` and ``expected_concentration`` compute every column in pandas, directly from
the definitions (searchsorted for "the latest snapshot on or before", numpy sliding windows),
without the SQL's snapshot tables or window frames.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml
from numpy.lib.stride_tricks import sliding_window_view

from dagster_project import warehouse
from dagster_project.resources import DBT_PROJECT_DIR

VARS = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
FUNDS = {"^RUT": "S", "^GSPC": "L"}  # fund -> member symbol prefix
SHARED_MEMBER = "B0001"  # a member of both funds
LATE_MEMBER = "S0061"  # listed from a snapshot before its first price
GAP_MEMBER = "L0003"  # misses a few days, one of them the snapshot at which it leaves
HALTED_JOINER = "L0004"  # misses the two days up to the snapshot at which it joins
# halted across a snapshot: GAP_MEMBER leaves at ^GSPC's snapshot of 2020-03-31 without a
# price that day, HALTED_JOINER joins at 2020-06-30 without one (snapshot -> member, held)
HALTED_AT = {
    "2020-02-28": (GAP_MEMBER, True),
    "2020-03-31": (GAP_MEMBER, False),
    "2020-05-29": (HALTED_JOINER, False),
    "2020-06-30": (HALTED_JOINER, True),
}
UNPRICED_MEMBER = "S9999"  # a holding without prices (none loaded)
MODELS = "+fct_breadth_daily +fct_concentration_daily"
# data tests of the selected models only (not those of other marts on the seeds), no unit tests
BUILD_FLAGS = ("--indirect-selection", "cautious", "--exclude-resource-type", "unit_test")


# ------------------------------------------------------------------------------ the market
def trading_calendar(start: str, end: str) -> pd.DatetimeIndex:
    days = pd.bdate_range(start, end)
    return days[~days.isin(pd.to_datetime(["2019-07-04", "2019-12-25", "2020-12-25"]))]


def _walk(rng: np.random.Generator, n: int, start: float, drift: float, vol: float) -> np.ndarray:
    return start * np.exp(np.cumsum(rng.normal(drift, vol, n)))


def generate(
    seed: int = 7,
    calendar: pd.DatetimeIndex | None = None,
    first_snapshot: str = "2018-06-29",
    members_per_fund: int = 50,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(prices, constituents) frames in the raw contracts' columns."""
    rng = np.random.default_rng(seed)
    days = trading_calendar("2018-01-02", "2021-06-30") if calendar is None else calendar
    n = len(days)
    prices = []

    def add(symbol: str, close: np.ndarray, dates=days, adj: np.ndarray | None = None) -> None:
        prices.append(
            pd.DataFrame({"symbol": symbol, "date": dates, "close": close, "adj_close": adj})
        )

    add("^GSPC", _walk(rng, n, 2700.0, 0.0004, 0.011))
    add("^RUT", _walk(rng, n, 1500.0, 0.0003, 0.014))
    spy = _walk(rng, n, 270.0, 0.0004, 0.011)
    add("SPY", spy, adj=spy * np.linspace(0.97, 1.0, n))
    rsp = _walk(rng, n, 100.0, 0.0003, 0.012)
    add("RSP", rsp, adj=rsp * np.linspace(0.98, 1.0, n))

    pools = {
        fund: [f"{prefix}{i:04d}" for i in range(1, members_per_fund + 12)]
        for fund, prefix in FUNDS.items()
    }
    symbols = sorted({s for pool in pools.values() for s in pool} | {SHARED_MEMBER})
    for i, symbol in enumerate(symbols):
        drift = rng.normal(0.0003, 0.0006)  # some trend up, some down: breadth varies
        close = _walk(rng, n, rng.uniform(10, 200), drift, rng.uniform(0.01, 0.03))
        dates = days
        if symbol == LATE_MEMBER:
            keep = days >= pd.Timestamp("2019-03-15")
            close, dates = close[keep], days[keep]
        if symbol == GAP_MEMBER:
            keep = ~days.isin(pd.to_datetime(["2019-05-06", "2019-05-07", "2020-03-31"]))
            close, dates = close[keep], days[keep]
        if symbol == HALTED_JOINER:
            keep = ~days.isin(pd.to_datetime(["2020-06-29", "2020-06-30"]))
            close, dates = close[keep], days[keep]
        adj = close * rng.uniform(0.9, 1.0) if i % 3 == 0 else None  # a constant factor
        add(symbol, close, dates, adj)
    price_frame = pd.concat(prices, ignore_index=True)

    # month-end snapshots: ^GSPC on its last trading day, ^RUT on the calendar month end
    # (a weekend now and then)
    months = pd.date_range(first_snapshot, days[-1], freq="ME")
    snapshots = {
        "^GSPC": sorted({days[days <= m][-1] for m in months}),
        "^RUT": list(months),
    }
    if months[0].day_of_week == 5:  # a Saturday: a second snapshot on Sunday replaces it
        snapshots["^RUT"].insert(1, months[0] + pd.Timedelta(days=1))
    holdings = []
    for fund, pool in pools.items():
        for k, as_of in enumerate(snapshots[fund]):
            # members come and go: each snapshot leaves out a few of the pool, and re-admits them
            left_out = set(rng.choice(pool, size=len(pool) - members_per_fund, replace=False))
            if fund == "^RUT" and pd.Timestamp(as_of) < pd.Timestamp("2019-02-01"):
                left_out.add(LATE_MEMBER)
            if fund == "^RUT" and pd.Timestamp(as_of) >= pd.Timestamp("2019-02-01"):
                left_out.discard(LATE_MEMBER)
            halted = HALTED_AT.get(f"{pd.Timestamp(as_of):%Y-%m-%d}") if fund == "^GSPC" else None
            if halted:
                symbol, held = halted
                left_out = left_out - {symbol} if held else left_out | {symbol}
            members = [s for s in pool if s not in left_out]
            if k % 4 != 1:
                members.append(SHARED_MEMBER)  # in both funds, leaving every fourth month
            weights = rng.lognormal(0.0, 1.2, len(members))  # a few large, many small
            weights = weights / weights.sum() * 0.99
            frame = pd.DataFrame(
                {
                    "fund": fund,
                    "date": pd.Timestamp(as_of),
                    "symbol": members,
                    "name": [f"Company {s}" for s in members],
                    "sector": "Industrials",
                    "weight": weights,
                    "shares": rng.uniform(1e6, 1e8, len(members)).round(),
                }
            )
            holdings.append(frame)
            if fund == "^RUT":
                holdings.append(
                    pd.DataFrame(
                        {
                            "fund": [fund],
                            "date": [pd.Timestamp(as_of)],
                            "symbol": [UNPRICED_MEMBER],
                            "name": ["Company without prices"],
                            "sector": ["Utilities"],
                            "weight": [0.005],
                            "shares": [1e6],
                        }
                    )
                )
    return price_frame, pd.concat(holdings, ignore_index=True)


# ------------------------------------------------------------------------------ the warehouse
def load_raw(path: Path, prices: pd.DataFrame, constituents: pd.DataFrame) -> None:
    """Upsert the frames, then write the trading calendar: this market's trading days, the
    dates of ^GSPC loaded so far (the twin's calendar; the asset raw/trading_calendar would
    take the NYSE's, and this market trades on some of its holidays)."""
    with duckdb.connect(str(path)) as con:
        warehouse.ensure_schema(con)
        warehouse.upsert(con, "prices", prices, source="test")
        warehouse.upsert(con, "constituents", constituents, source="test")
        days = con.sql("select distinct date from raw.prices where symbol = '^GSPC'").df()
        warehouse.write_trading_calendar(con, pd.DatetimeIndex(days["date"]))


def run_dbt(path: Path, work: Path, *args: str, dbt_vars: dict | None = None) -> str:
    """Run dbt on the warehouse ``path`` (its target and logs under ``work``); its stdout."""
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR)]
    command += ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(work / "target")]
    command += [
        "--log-path",
        str(work / "logs"),
        "--vars",
        json.dumps({"warehouse_path": str(path), **(dbt_vars or {})}),
    ]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    return done.stdout


@functools.cache
def build_warehouse() -> Path:
    """The synthetic market loaded and the breadth marts (with their data tests) built, once."""
    work = Path(tempfile.mkdtemp(prefix="breadth_"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    path = work / "rotation.duckdb"
    load_raw(path, *generate())
    run_dbt(path, work, "build", "--select", MODELS, *BUILD_FLAGS)
    return path


def read(path: Path, query: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(query).df()


# ------------------------------------------------------------------------------ pandas twin
def _trailing(values: np.ndarray, width: int, how) -> np.ndarray:
    """how() over values[i-width+1 .. i]; NaN until width values exist."""
    out = np.full(len(values), np.nan)
    if len(values) >= width:
        out[width - 1 :] = how(sliding_window_view(values, width), axis=1)
    return out


def _flag(condition: np.ndarray, known: np.ndarray) -> np.ndarray:
    return np.where(known, condition.astype(float), np.nan)


def member_history(prices: pd.DataFrame, members: set[str]) -> pd.DataFrame:
    """Each member's own rows: returns, moving averages, 52-week extremes (int_member_returns)."""
    ma_short, ma_long = VARS["breadth_ma_short_days"], VARS["breadth_ma_long_days"]
    high_low, horizon = VARS["breadth_high_low_days"], VARS["breadth_participation_days"]
    parts = []
    rows = prices[prices["symbol"].isin(members)].copy()
    rows["return_price"] = rows["adj_close"].fillna(rows["close"])
    for _, member in rows.sort_values(["symbol", "date"]).groupby("symbol", sort=False):
        member = member.reset_index(drop=True)
        price = member["return_price"].to_numpy(dtype=float)
        previous = np.concatenate([[np.nan], price[:-1]])
        member["previous_date"] = member["date"].shift(1)
        member["previous_return_price"] = previous
        member["ret_1d"] = price / previous - 1
        base = np.concatenate([np.full(horizon, np.nan), price[:-horizon]])[: len(price)]
        member["ret_63d"] = price / base - 1
        for name, width in (("50", ma_short), ("200", ma_long)):
            average = _trailing(price, width, np.mean)
            member[f"is_above_ma_{name}"] = _flag(price > average, ~np.isnan(average))
        prior = np.concatenate([[np.nan], price[:-1]])  # the previous rows only
        high = _trailing(prior, high_low, np.max)
        low = _trailing(prior, high_low, np.min)
        member["is_new_high_252d"] = _flag(price > high, ~np.isnan(high))
        member["is_new_low_252d"] = _flag(price < low, ~np.isnan(low))
        parts.append(member)
    return pd.concat(parts, ignore_index=True)


def daily_members(prices: pd.DataFrame, constituents: pd.DataFrame) -> pd.DataFrame:
    """Rows (fund, symbol, date) of members at the close or at the previous close, with their
    drifted weights (the weight at the snapshot's close grown by the member's return since)."""
    calendar = np.sort(prices.loc[prices["symbol"] == "^GSPC", "date"].unique())
    on_calendar = prices[prices["date"].isin(calendar)]  # the marts' trading days only
    # a snapshot dated on a business day after the calendar's last one waits for its prices
    next_business_day = np.busday_offset(calendar[-1].astype("datetime64[D]"), 1)
    constituents = constituents[constituents["date"] < next_business_day]
    history = member_history(on_calendar, set(constituents["symbol"]))
    # a member's base on a close without its price: its last price before (carried forward)
    price_at = (
        history.pivot(index="date", columns="symbol", values="return_price")
        .reindex(calendar)
        .ffill()
        .stack()
        .swaplevel()
    )
    parts = []
    for fund, holdings in constituents.groupby("fund"):
        # a snapshot describes the close of the latest trading day on or before its date; of
        # two on one trading day, the later-dated one counts
        holdings = holdings.assign(
            close_day=calendar[np.searchsorted(calendar, holdings["date"], side="right") - 1]
        )
        last = holdings.groupby("close_day")["date"].transform("max")
        holdings = holdings[holdings["date"] == last]
        snapshot_days = np.sort(holdings["close_day"].unique())
        weights = holdings.set_index(["close_day", "symbol"])["weight"]

        def in_force(dates: pd.Series, snapshot_days=snapshot_days) -> pd.Series:
            """The close day of the latest snapshot on or before each date (NaT before any)."""
            position = np.searchsorted(snapshot_days, dates.to_numpy(), side="right") - 1
            found = pd.Series(snapshot_days[np.maximum(position, 0)], index=dates.index)
            return found.where((position >= 0) & dates.notna())

        def weight_and_base(day: pd.Series, symbols: pd.Series, weights=weights):
            weight = weights.reindex(pd.MultiIndex.from_arrays([day, symbols])).to_numpy()
            base = price_at.reindex(pd.MultiIndex.from_arrays([symbols, day])).to_numpy()
            return weight, base

        rows = history[history["symbol"].isin(holdings["symbol"])].copy()
        rows["fund"] = fund
        rows["snapshot_date"] = in_force(rows["date"])
        rows = rows[rows["snapshot_date"].notna()].copy()
        snapshots = holdings.groupby("close_day")
        rows["snapshot_as_of"] = rows["snapshot_date"].map(snapshots["date"].first())
        rows["snapshot_member_count"] = rows["snapshot_date"].map(snapshots.size())
        weight, base = weight_and_base(rows["snapshot_date"], rows["symbol"])
        rows["is_member"] = ~np.isnan(weight)
        rows["drifted_weight"] = weight * rows["return_price"].to_numpy() / base
        # held overnight: in the snapshot in force at the previous trading day's close (not at
        # the member's previous price day: a member halted across a snapshot)
        position = np.searchsorted(calendar, rows["date"].to_numpy()) - 1
        previous_day = pd.Series(calendar[np.maximum(position, 0)], index=rows.index)
        overnight = in_force(previous_day.where(position >= 0))
        weight, base = weight_and_base(overnight.fillna(rows["date"]), rows["symbol"])
        held = overnight.notna().to_numpy() & ~np.isnan(weight)
        rows["is_held_overnight"] = held
        rows["previous_drifted_weight"] = np.where(
            held, weight * rows["previous_return_price"].to_numpy() / base, np.nan
        )
        parts.append(rows[rows["is_member"] | rows["is_held_overnight"]])
    return pd.concat(parts, ignore_index=True)


def index_returns(prices: pd.DataFrame) -> pd.DataFrame:
    horizon = VARS["breadth_participation_days"]
    parts = []
    for fund in FUNDS:
        rows = prices[prices["symbol"] == fund].sort_values("date").copy()
        price = rows["adj_close"].fillna(rows["close"])
        rows["index_ret_1d"] = price / price.shift(1) - 1
        rows["index_ret_63d"] = price / price.shift(horizon) - 1
        parts.append(rows.rename(columns={"symbol": "fund"}))
    return pd.concat(parts)[["fund", "date", "index_ret_1d", "index_ret_63d"]]


def expected_breadth(prices: pd.DataFrame, constituents: pd.DataFrame) -> pd.DataFrame:
    members = daily_members(prices, constituents)
    members = members[members["is_member"]]
    groups = members.groupby(["fund", "date"])
    frame = pd.DataFrame(
        {
            "member_count": groups.size(),
            "ma_50_member_count": groups["is_above_ma_50"].count(),
            "above_ma_50_frac": groups["is_above_ma_50"].mean(),
            "ma_200_member_count": groups["is_above_ma_200"].count(),
            "above_ma_200_frac": groups["is_above_ma_200"].mean(),
            "advances": groups["ret_1d"].agg(lambda r: (r > 0).sum()),
            "declines": groups["ret_1d"].agg(lambda r: (r < 0).sum()),
            "unchanged": groups["ret_1d"].agg(lambda r: (r == 0).sum()),
            "high_low_member_count": groups["is_new_high_252d"].count(),
            "new_highs_252d": groups["is_new_high_252d"].sum(),
            "new_lows_252d": groups["is_new_low_252d"].sum(),
            "median_member_ret_1d": groups["ret_1d"].median(),
            "median_member_ret_63d": groups["ret_63d"].median(),
        }
    ).reset_index()
    frame["ad_line"] = (frame["advances"] - frame["declines"]).groupby(frame["fund"]).cumsum()
    frame["net_new_highs_252d"] = frame["new_highs_252d"] - frame["new_lows_252d"]
    frame["net_new_highs_frac"] = frame["net_new_highs_252d"] / frame[
        "high_low_member_count"
    ].replace(0, np.nan)
    frame = frame.merge(index_returns(prices), on=["fund", "date"], how="left")
    frame["participation_1d_bps"] = (frame["median_member_ret_1d"] - frame["index_ret_1d"]) * 1e4
    frame["participation_63d_bps"] = (frame["median_member_ret_63d"] - frame["index_ret_63d"]) * 1e4
    frame = frame.rename(columns={"date": "breadth_date"})
    return frame.sort_values(["fund", "breadth_date"]).reset_index(drop=True)


def _compounded(returns: np.ndarray, width: int) -> np.ndarray:
    return _trailing(1 + returns, width, np.prod)  # NaN in the window: NaN


def expected_concentration(prices: pd.DataFrame, constituents: pd.DataFrame) -> pd.DataFrame:
    top_n = VARS["concentration_top_n"]
    members = daily_members(prices, constituents)
    rows = []
    for (fund, day), group in members.groupby(["fund", "date"]):
        weights = group["drifted_weight"].dropna().to_numpy()
        total = weights.sum() if len(weights) else np.nan
        share = weights / total
        day_return = group[
            group["is_held_overnight"]
            & group["ret_1d"].notna()
            & group["previous_drifted_weight"].notna()
        ]
        held = day_return["previous_drifted_weight"].to_numpy()
        ret = day_return["ret_1d"].to_numpy()
        rows.append(
            {
                "fund": fund,
                "concentration_date": day,
                "snapshot_date": group["snapshot_as_of"].iloc[0],
                "snapshot_member_count": group["snapshot_member_count"].iloc[0],
                "unweighted_member_count": group["snapshot_member_count"].iloc[0] - len(weights),
                "weighted_member_count": len(weights),
                "top_10_weight_frac": np.sort(share)[::-1][:top_n].sum() if len(share) else np.nan,
                "largest_weight_frac": share.max() if len(share) else np.nan,
                "effective_names": 1 / (share**2).sum() if len(share) else np.nan,
                "return_member_count": len(ret),
                "equal_weight_ret_1d": ret.mean() if len(ret) else np.nan,
                "cap_weight_ret_1d": (held * ret).sum() / held.sum() if len(ret) else np.nan,
            }
        )
    frame = pd.DataFrame(rows)
    frame["equal_minus_cap_1d_bps"] = (
        frame["equal_weight_ret_1d"] - frame["cap_weight_ret_1d"]
    ) * 1e4
    windows = {
        "21d": VARS["concentration_spread_short_days"],
        "63d": VARS["concentration_spread_long_days"],
    }
    for name, width in windows.items():
        parts = []
        for _, fund_rows in frame.groupby("fund", sort=False):
            equal = _compounded(fund_rows["equal_weight_ret_1d"].to_numpy(dtype=float), width)
            cap = _compounded(fund_rows["cap_weight_ret_1d"].to_numpy(dtype=float), width)
            parts.append(pd.Series((equal - cap) * 1e4, index=fund_rows.index))
        frame[f"equal_minus_cap_{name}_bps"] = pd.concat(parts)

    # the ETF pair: equal-weight ETF minus cap-weight ETF over N rows of their common days
    pair = VARS["concentration_etf_pair"]
    assert pair == "rsp_spy"
    legs = prices[prices["symbol"].isin(["RSP", "SPY"])].copy()
    legs["price"] = legs["adj_close"].fillna(legs["close"])
    wide = legs.pivot(index="date", columns="symbol", values="price").dropna().sort_index()
    for n in (1, 21, 63):
        spread = (wide["RSP"] / wide["RSP"].shift(n) - wide["SPY"] / wide["SPY"].shift(n)) * 1e4
        frame = frame.merge(
            spread.rename(f"etf_equal_minus_cap_{n}d_bps"),
            left_on="concentration_date",
            right_index=True,
            how="left",
        )
    # RSP and SPY describe the S&P 500 only: its index and the ETFs that track it
    others = ~frame["fund"].isin(["^GSPC", "SPY", "IVV"])
    frame.loc[others, [f"etf_equal_minus_cap_{n}d_bps" for n in (1, 21, 63)]] = np.nan
    return frame.sort_values(["fund", "concentration_date"]).reset_index(drop=True)


def assert_matches(mart: pd.DataFrame, expected: pd.DataFrame, key: list[str], **tolerance) -> None:
    """Every row and column of a mart equals the pandas computation (keys exactly)."""
    assert len(mart) == len(expected) > 1000
    for column in key:
        assert (mart[column].to_numpy() == expected[column].to_numpy()).all(), column
    assert set(mart.columns) == set(expected.columns)
    for column in mart.columns.difference(key):
        if pd.api.types.is_datetime64_any_dtype(mart[column]):
            pd.testing.assert_series_equal(
                mart[column], expected[column], check_dtype=False, check_names=False
            )
            continue
        np.testing.assert_allclose(
            mart[column].astype(float).to_numpy(),
            expected[column].astype(float).to_numpy(),
            err_msg=column,
            **tolerance,
        )
