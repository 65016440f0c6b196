"""The sample's valuations: the forward and trailing P/E of ^GSPC and ^RUT.

**Valuations.** Forward P/E = price / forward EPS, where EPS follows the price smoothed over
about a year (so P/E moves with price and mean-reverts, and EPS dips after bear markets) around
a slowly moving anchor: small caps at a premium to large caps until the mid-2010s and at a
discount (about 15x vs 21x) by 2026. Trailing EPS is the forward EPS of a year earlier, cut in
downturns. Monthly, on the last trading day of each month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.sources.calendar import trading_days
from dagster_project.sources.sample.common import (
    DAYS_PER_YEAR,
    ar1,
    ewma,
    interp_anchors,
    running_drawdown,
)
from dagster_project.sources.sample.market import INDEXES, Market

PE_ANCHORS = {  # forward P/E anchor (before the price-deviation term), by date
    "large": (("1995-01-01", 14.5), ("2010-01-01", 15.0), ("2026-12-31", 21.0)),
    "small": (("1995-01-01", 16.5), ("2005-01-01", 18.5), ("2014-01-01", 19.5),
              ("2026-12-31", 15.0)),
}  # fmt: skip
PE_EWMA_HALFLIFE = 252  # trading days: EPS follows the price smoothed over about a year
PE_PRICE_SENSITIVITY = 0.7
PE_SWING = 0.4  # the price term moves P/E by at most this much in log terms (tanh)
TRAILING_DISCOUNT = {"large": 0.03, "small": 0.12}  # trailing EPS below last year's forward
EPS_RECESSION_CUT = 0.6  # trailing EPS shortfall per unit of two-year drawdown


def pe_paths(rng: np.random.Generator, market: Market, name: str) -> tuple[np.ndarray, ...]:
    """Daily forward and trailing P/E of one index (see the module docstring)."""
    log_price = market.log_paths[name]
    deviation = log_price - ewma(log_price, PE_EWMA_HALFLIFE)
    anchor = interp_anchors(market.days, PE_ANCHORS[name])
    noise = ar1(rng.normal(0.0, 0.004, len(log_price)), 0.98)
    swing = PE_SWING * np.tanh(PE_PRICE_SENSITIVITY * deviation / PE_SWING)
    forward = anchor * np.exp(swing + noise)
    forward_eps = np.exp(log_price) / forward
    year_ago = np.concatenate([forward_eps[:DAYS_PER_YEAR] * 0.94, forward_eps[:-DAYS_PER_YEAR]])
    drawdown = running_drawdown(log_price, 2 * DAYS_PER_YEAR)
    shortfall = TRAILING_DISCOUNT[name] + EPS_RECESSION_CUT * drawdown
    trailing_eps = year_ago[: len(log_price)] * np.exp(-shortfall)
    trailing = np.exp(log_price) / trailing_eps
    return forward, trailing


def _month_end_flags(days: pd.DatetimeIndex) -> np.ndarray:
    """True on the last trading day of each month (the final day only if its month is over)."""
    periods = days.to_period("M")
    last = days[-1]
    month_over = len(trading_days(last + pd.Timedelta(days=1), last + pd.offsets.MonthEnd(0))) == 0
    return np.append(periods[1:] != periods[:-1], month_over)


def valuations_frame(market: Market, pe: dict) -> pd.DataFrame:
    month_end = _month_end_flags(market.days)
    frames = []
    for symbol, name in INDEXES.items():
        forward, trailing = pe[name]
        for metric, values in (("forward_pe", forward), ("trailing_pe", trailing)):
            frames.append(
                pd.DataFrame(
                    {
                        "symbol": symbol,
                        "date": market.days[month_end],
                        "metric": metric,
                        "value": np.round(values[month_end], 2),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)
