"""The breadth and concentration marts in pandas: the twin the marts are compared with.

``expected_breadth`` and ``expected_concentration`` compute every column of fct_breadth_daily
and fct_concentration_daily from raw prices and holdings snapshots, directly from the
definitions (searchsorted for "the latest snapshot on or before", numpy sliding windows),
without the SQL's snapshot tables or window frames. The calendar is the dates of ^GSPC's prices
(the synthetic market's, constituent_market.py, and the sample's); the ETF pair is RSP/SPY.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import yaml
from numpy.lib.stride_tricks import sliding_window_view

from dagster_project.resources import DBT_PROJECT_DIR


@functools.cache
def project_vars() -> dict:
    """The dbt project's vars (window lengths, the top N, the ETF pair)."""
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


def _trailing(values: np.ndarray, width: int, how) -> np.ndarray:
    """how() over values[i-width+1 .. i]; NaN until width values exist."""
    out = np.full(len(values), np.nan)
    if len(values) >= width:
        out[width - 1 :] = how(sliding_window_view(values, width), axis=1)
    return out


def _flag(condition: np.ndarray, known: np.ndarray) -> np.ndarray:
    return np.where(known, condition.astype(float), np.nan)


# ------------------------------------------------------------------------------ members
def member_history(prices: pd.DataFrame, members: set[str]) -> pd.DataFrame:
    """Each member's own rows: returns, moving averages, 52-week extremes (int_member_returns)."""
    v = project_vars()
    ma_short, ma_long = v["breadth_ma_short_days"], v["breadth_ma_long_days"]
    high_low, horizon = v["breadth_high_low_days"], v["breadth_participation_days"]
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


def _in_force(snapshot_days: np.ndarray, dates: pd.Series) -> pd.Series:
    """The close day of the latest snapshot on or before each date (NaT before any)."""
    position = np.searchsorted(snapshot_days, dates.to_numpy(), side="right") - 1
    found = pd.Series(snapshot_days[np.maximum(position, 0)], index=dates.index)
    return found.where((position >= 0) & dates.notna())


def _weight_and_base(weights: pd.Series, price_at: pd.Series, day: pd.Series, symbols: pd.Series):
    """Each member's weight in the snapshot of ``day``, and its price at that snapshot's close."""
    weight = weights.reindex(pd.MultiIndex.from_arrays([day, symbols])).to_numpy()
    base = price_at.reindex(pd.MultiIndex.from_arrays([symbols, day])).to_numpy()
    return weight, base


def _snapshots_by_close(holdings: pd.DataFrame, calendar: np.ndarray) -> pd.DataFrame:
    """A snapshot describes the close of the latest trading day on or before its date
    (close_day); of two on one trading day, the later-dated one counts."""
    holdings = holdings.assign(
        close_day=calendar[np.searchsorted(calendar, holdings["date"], side="right") - 1]
    )
    last = holdings.groupby("close_day")["date"].transform("max")
    return holdings[holdings["date"] == last]


def _fund_members(
    fund: str, holdings: pd.DataFrame, history: pd.DataFrame, price_at, calendar: np.ndarray
) -> pd.DataFrame:
    """One fund's member rows, with the snapshot in force and the drifted weights today and at
    the previous close."""
    holdings = _snapshots_by_close(holdings, calendar)
    snapshot_days = np.sort(holdings["close_day"].unique())
    weights = holdings.set_index(["close_day", "symbol"])["weight"]
    rows = history[history["symbol"].isin(holdings["symbol"])].copy()
    rows["fund"] = fund
    rows["snapshot_date"] = _in_force(snapshot_days, rows["date"])
    rows = rows[rows["snapshot_date"].notna()].copy()
    snapshots = holdings.groupby("close_day")
    rows["snapshot_as_of"] = rows["snapshot_date"].map(snapshots["date"].first())
    rows["snapshot_member_count"] = rows["snapshot_date"].map(snapshots.size())
    weight, base = _weight_and_base(weights, price_at, rows["snapshot_date"], rows["symbol"])
    rows["is_member"] = ~np.isnan(weight)
    rows["drifted_weight"] = weight * rows["return_price"].to_numpy() / base
    # held overnight: in the snapshot in force at the previous trading day's close (not at
    # the member's previous price day: a member halted across a snapshot)
    position = np.searchsorted(calendar, rows["date"].to_numpy()) - 1
    previous_day = pd.Series(calendar[np.maximum(position, 0)], index=rows.index)
    overnight = _in_force(snapshot_days, previous_day.where(position >= 0))
    day = overnight.fillna(rows["date"])
    weight, base = _weight_and_base(weights, price_at, day, rows["symbol"])
    held = overnight.notna().to_numpy() & ~np.isnan(weight)
    rows["is_held_overnight"] = held
    rows["previous_drifted_weight"] = np.where(
        held, weight * rows["previous_return_price"].to_numpy() / base, np.nan
    )
    return rows[rows["is_member"] | rows["is_held_overnight"]]


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
    parts = [
        _fund_members(fund, holdings, history, price_at, calendar)
        for fund, holdings in constituents.groupby("fund")
    ]
    return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------------------ breadth
def index_returns(prices: pd.DataFrame, funds) -> pd.DataFrame:
    """Each fund's own 1-day and participation-horizon returns."""
    horizon = project_vars()["breadth_participation_days"]
    parts = []
    for fund in funds:
        rows = prices[prices["symbol"] == fund].sort_values("date").copy()
        price = rows["adj_close"].fillna(rows["close"])
        rows["index_ret_1d"] = price / price.shift(1) - 1
        rows["index_ret_63d"] = price / price.shift(horizon) - 1
        parts.append(rows.rename(columns={"symbol": "fund"}))
    return pd.concat(parts)[["fund", "date", "index_ret_1d", "index_ret_63d"]]


def breadth_from_members(
    members: pd.DataFrame, prices: pd.DataFrame, funds: list[str]
) -> pd.DataFrame:
    """fct_breadth_daily from the member rows (``daily_members``) and the funds' own prices."""
    members = members[members["is_member"]]
    groups = members.groupby(["fund", "date"])
    moves = members[["fund", "date"]].assign(
        advances=members["ret_1d"] > 0,
        declines=members["ret_1d"] < 0,
        unchanged=members["ret_1d"] == 0,
    )
    frame = pd.DataFrame(
        {
            "member_count": groups.size(),
            "ma_50_member_count": groups["is_above_ma_50"].count(),
            "above_ma_50_frac": groups["is_above_ma_50"].mean(),
            "ma_200_member_count": groups["is_above_ma_200"].count(),
            "above_ma_200_frac": groups["is_above_ma_200"].mean(),
            **moves.groupby(["fund", "date"]).sum(),
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
    frame = frame.merge(index_returns(prices, funds), on=["fund", "date"], how="left")
    frame["participation_1d_bps"] = (frame["median_member_ret_1d"] - frame["index_ret_1d"]) * 1e4
    frame["participation_63d_bps"] = (frame["median_member_ret_63d"] - frame["index_ret_63d"]) * 1e4
    frame = frame.rename(columns={"date": "breadth_date"})
    return frame.sort_values(["fund", "breadth_date"]).reset_index(drop=True)


def expected_breadth(prices: pd.DataFrame, constituents: pd.DataFrame) -> pd.DataFrame:
    funds = sorted(constituents["fund"].unique())
    return breadth_from_members(daily_members(prices, constituents), prices, funds)


# ------------------------------------------------------------------------------ concentration
def _compounded(returns: np.ndarray, width: int) -> np.ndarray:
    return _trailing(1 + returns, width, np.prod)  # NaN in the window: NaN


def _concentration_days(members: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """Each fund's day: the snapshot in force, the drifted weights' shares (the top N, the
    largest, the effective number of names) and the day's equal- and cap-weighted returns of
    the members held at the previous close."""
    keys = ["fund", "date"]
    members = members.astype({"drifted_weight": float, "previous_drifted_weight": float})
    days = members.groupby(keys)[["snapshot_as_of", "snapshot_member_count"]].first()
    weighted = members.loc[members["drifted_weight"].notna(), [*keys, "drifted_weight"]]
    total = weighted.groupby(keys)["drifted_weight"].transform("sum")
    shares = weighted[keys].assign(share=weighted["drifted_weight"] / total)
    shares = shares.sort_values([*keys, "share"], ascending=[True, True, False])
    by_day = shares.groupby(keys)["share"]
    top = shares[by_day.cumcount() < top_n].groupby(keys)["share"].sum()
    squared = shares.assign(share=shares["share"] ** 2).groupby(keys)["share"].sum()
    in_day = members[
        members["is_held_overnight"]
        & members["ret_1d"].notna()
        & members["previous_drifted_weight"].notna()
    ]
    in_day = in_day.assign(weighted_ret=in_day["previous_drifted_weight"] * in_day["ret_1d"])
    returns = in_day.groupby(keys)
    weighted_count = by_day.size().reindex(days.index, fill_value=0)
    frame = pd.DataFrame(
        {
            "snapshot_date": days["snapshot_as_of"],
            "snapshot_member_count": days["snapshot_member_count"],
            "unweighted_member_count": days["snapshot_member_count"] - weighted_count,
            "weighted_member_count": weighted_count,
            "top_10_weight_frac": top,
            "largest_weight_frac": by_day.max(),
            "effective_names": 1 / squared,
            "return_member_count": returns.size().reindex(days.index, fill_value=0),
            "equal_weight_ret_1d": returns["ret_1d"].mean(),
            "cap_weight_ret_1d": returns["weighted_ret"].sum()
            / returns["previous_drifted_weight"].sum(),
        }
    )
    return frame.reset_index().rename(columns={"date": "concentration_date"})


def _equal_minus_cap_windows(frame: pd.DataFrame) -> pd.DataFrame:
    """Compounded equal- minus cap-weighted returns over the short and long windows, in bps."""
    v = project_vars()
    windows = {
        "21d": v["concentration_spread_short_days"],
        "63d": v["concentration_spread_long_days"],
    }
    for name, width in windows.items():
        parts = []
        for _, fund_rows in frame.groupby("fund", sort=False):
            equal = _compounded(fund_rows["equal_weight_ret_1d"].to_numpy(dtype=float), width)
            cap = _compounded(fund_rows["cap_weight_ret_1d"].to_numpy(dtype=float), width)
            parts.append(pd.Series((equal - cap) * 1e4, index=fund_rows.index))
        frame[f"equal_minus_cap_{name}_bps"] = pd.concat(parts)
    return frame


def _etf_pair_spreads(frame: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """The ETF pair: equal-weight ETF minus cap-weight ETF over N rows of their common days, on
    the rows of the S&P 500 only (its index and the ETFs that track it)."""
    assert project_vars()["concentration_etf_pair"] == "rsp_spy"
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
    others = ~frame["fund"].isin(["^GSPC", "SPY", "IVV"])
    frame.loc[others, [f"etf_equal_minus_cap_{n}d_bps" for n in (1, 21, 63)]] = np.nan
    return frame


def concentration_from_members(members: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """fct_concentration_daily from the member rows (``daily_members``) and the ETF pair's
    prices."""
    frame = _concentration_days(members, project_vars()["concentration_top_n"])
    frame["equal_minus_cap_1d_bps"] = (
        frame["equal_weight_ret_1d"] - frame["cap_weight_ret_1d"]
    ) * 1e4
    frame = _etf_pair_spreads(_equal_minus_cap_windows(frame), prices)
    return frame.sort_values(["fund", "concentration_date"]).reset_index(drop=True)


def expected_concentration(prices: pd.DataFrame, constituents: pd.DataFrame) -> pd.DataFrame:
    return concentration_from_members(daily_members(prices, constituents), prices)


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
