"""fct_rotation_daily in pandas: the twin the mart is compared with
(tests/pipeline/test_end_to_end.py), and a peer of the benchmark benchmarks/marts_vs_peers.py.

It reads only the instruments' prices (``px``: adj_close where present, else close) and the
pairs seed, and computes every figure its own way (groupby year-ends, sliding windows in
numpy), so a shared mistake with the SQL is unlikely.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from dagster_project import reference

SPREAD_DAYS = [1, 5, 10, 21, 63, 126, 252]


def expected_ytd(prices: pd.DataFrame) -> pd.Series:
    """Per symbol: price / last price of the previous calendar year - 1 (NaN in the first year)."""
    out = []
    for _, group in prices.groupby("symbol", sort=False):
        year = group["date"].dt.year
        year_end = group.groupby(year)["px"].last()
        base = year.map(year_end.shift(1))
        out.append(group["px"] / base - 1)
    return pd.concat(out)


def trailing_windows(values: np.ndarray, width: int) -> np.ndarray:
    """Row i holds values[i-width+1 .. i]; rows without a full window hold NaN."""
    padded = np.concatenate([np.full(width - 1, np.nan), values])
    return sliding_window_view(padded, width)


def _pair_frame(pair, small: pd.DataFrame, large: pd.DataFrame, with_legs: bool) -> pd.DataFrame:
    """One pair's rows on the days both legs have a price (legs indexed by date)."""
    days = small.index.intersection(large.index).sort_values()
    s, g = small.loc[days, "px"].to_numpy(), large.loc[days, "px"].to_numpy()
    rel = (s / g) / (s[0] / g[0]) * 100
    frame = pd.DataFrame({"pair_id": pair.pair_id, "rotation_date": days, "ratio": rel})
    if with_legs:  # the mart's leg columns, as they are
        frame["small_symbol"], frame["large_symbol"] = pair.small_symbol, pair.large_symbol
        frame["small_return_price"], frame["large_return_price"] = s, g
        frame["small_ret_ytd"] = small.loc[days, "ret_ytd"].to_numpy()
        frame["large_ret_ytd"] = large.loc[days, "ret_ytd"].to_numpy()
    for window in (50, 200):
        frame[f"ratio_ma_{window}"] = trailing_windows(rel, window).mean(axis=1)
    for n in SPREAD_DAYS:
        r_small = np.r_[np.full(n, np.nan), s[n:] / s[:-n] - 1]
        r_large = np.r_[np.full(n, np.nan), g[n:] / g[:-n] - 1]
        frame[f"spread_{n}d_bps"] = (r_small - r_large) * 10000
    frame["spread_ytd_bps"] = (
        small.loc[days, "ret_ytd"].to_numpy() - large.loc[days, "ret_ytd"].to_numpy()
    ) * 10000
    spread10 = frame["spread_10d_bps"].to_numpy()
    history = trailing_windows(np.r_[np.nan, spread10[:-1]], 756)  # the 756 days before
    frame["spread_10d_zscore"] = (spread10 - history.mean(axis=1)) / history.std(axis=1, ddof=1)
    frame["relative_drawdown"] = rel / np.maximum.accumulate(rel) - 1
    ma50, ma200 = frame["ratio_ma_50"], frame["ratio_ma_200"]
    frame["regime"] = np.select(
        [ma200.isna(), (rel > ma200) & (ma50 > ma200), (rel < ma200) & (ma50 < ma200)],
        [None, "small_cap_leadership", "large_cap_leadership"],
        default="neutral",
    )
    return frame


def expected_rotation(prices: pd.DataFrame, with_legs: bool = False) -> pd.DataFrame:
    """Every pair of the seed on its legs' common days; ``with_legs`` adds the legs' symbols,
    prices and year-to-date returns (the mart's every column)."""
    prices = prices.assign(ret_ytd=expected_ytd(prices))
    by_symbol = {s: g.set_index("date") for s, g in prices.groupby("symbol")}
    frames = [
        _pair_frame(pair, by_symbol[pair.small_symbol], by_symbol[pair.large_symbol], with_legs)
        for pair in reference.pairs().itertuples()
    ]
    return pd.concat(frames, ignore_index=True)
