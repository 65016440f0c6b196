"""The sample's ETFs: their prices (NAV, dividends, fees, premium) and shares outstanding.

**ETFs** track an underlying (SPY, IVV: ^GSPC; IWM: ^RUT; IJR: an S&P 600-like series ~0.97
correlated with ^RUT; RSP: an equal-weight series between large and small caps: ``market.py``).
NAV accrues the dividend yield (1.0-2.4%/yr, higher when valuations are low), drops by it on
quarterly ex-dividend dates and pays the expense ratio daily; the close is NAV times a
premium/discount of a few bps. ``adj_close`` is Yahoo's total-return close: every close before
an ex-date is multiplied by (1 - dividend / previous close), so it equals ``close`` from the last
ex-date on and is lower before. Shares outstanding move in whole creation units of 50,000
shares, with persistent, performance-chasing flows around a growth path; some days see no flows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dagster_project.sources.sample.common import DAYS_PER_YEAR, ar1, interp_anchors
from dagster_project.sources.sample.market import (
    START_LEVEL,
    Market,
    ohlc,
    price_frame,
    traded_volume,
)


@dataclass(frozen=True)
class EtfSpec:
    """How one ETF is built: its underlying series, price scale, costs, dividends, flows."""

    underlying: str  # large | small | sp600 | equal
    ratio: float  # ETF price per index point at launch
    expense: float  # per year
    base_yield: float  # dividend yield per year at the underlying's median forward P/E
    ex_day: int  # ex-dividend: first trading day on or after this day of Mar, Jun, Sep, Dec
    shares: tuple[tuple[str, float], ...]  # (date, shares outstanding) growth anchors
    volume: tuple[tuple[str, float], ...]  # (date, shares traded a day) anchors


ETFS: dict[str, EtfSpec] = {
    "SPY": EtfSpec("large", 0.1, 0.000945, 0.016, 16,
                   (("1995-01-01", 1.8e7), ("2000-01-01", 1.4e8), ("2008-12-31", 7.5e8),
                    ("2016-01-01", 9.0e8), ("2026-12-31", 9.6e8)),
                   (("1995-01-01", 4.0e5), ("2000-01-01", 8.0e6), ("2008-10-01", 2.5e8),
                    ("2026-12-31", 7.0e7))),
    "IVV": EtfSpec("large", 0.1, 0.0003, 0.016, 12,
                   (("2000-05-15", 3.0e6), ("2008-12-31", 1.3e8), ("2016-01-01", 3.7e8),
                    ("2026-12-31", 9.5e8)),
                   (("2000-05-15", 5.0e4), ("2008-10-01", 3.0e6), ("2026-12-31", 6.0e6))),
    "IWM": EtfSpec("small", 0.1, 0.0019, 0.012, 12,
                   (("2000-05-22", 2.0e6), ("2005-01-01", 6.0e7), ("2012-01-01", 1.6e8),
                    ("2026-12-31", 2.5e8)),
                   (("2000-05-22", 1.0e5), ("2008-10-01", 8.0e7), ("2026-12-31", 3.5e7))),
    "IJR": EtfSpec("sp600", 0.1, 0.0006, 0.013, 12,
                   (("2000-05-22", 2.0e6), ("2008-12-31", 9.0e7), ("2018-01-01", 3.5e8),
                    ("2026-12-31", 7.5e8)),
                   (("2000-05-22", 2.0e4), ("2008-10-01", 1.5e6), ("2026-12-31", 4.5e6))),
    "RSP": EtfSpec("equal", 0.05, 0.0020, 0.016, 21,
                   (("2003-04-24", 1.0e6), ("2010-01-01", 3.0e7), ("2018-01-01", 1.0e8),
                    ("2026-12-31", 3.4e8)),
                   (("2003-04-24", 5.0e4), ("2008-10-01", 1.5e6), ("2026-12-31", 1.2e7))),
}  # fmt: skip

# --- ETF premium, dividends and flows -------------------------------------------------------------
PREMIUM_AR, PREMIUM_SD = 0.6, 0.0003  # close / NAV - 1: a few bps
YIELD_BOUNDS = (0.010, 0.024)
CREATION_UNIT = 50_000
MIN_UNITS = 4  # a fund never shrinks below 4 creation units
FLOW_NOISE = 0.004  # daily flow noise, share of shares outstanding
FLOW_PERSIST, FLOW_PERSIST_SD = 0.9, 0.0008  # AR(1) of the persistent part of flows
FLOW_CHASE = 0.02  # flow per unit of trailing 21-day excess return
FLOW_REVERSION = 0.004  # per day, toward the growth path
FLOW_QUIET_DAYS = 0.15  # share of days without creations or redemptions


def _ex_dividend_flags(days: pd.DatetimeIndex, ex_day: int) -> np.ndarray:
    """True on the first trading day on or after ``ex_day`` of March, June, September, December."""
    frame = pd.DataFrame({"date": days})
    eligible = frame[days.month.isin([3, 6, 9, 12]) & (days.day >= ex_day)]
    firsts = eligible.groupby([eligible["date"].dt.year, eligible["date"].dt.month]).head(1)
    flags = np.zeros(len(days), dtype=bool)
    flags[firsts.index.to_numpy()] = True
    return flags


@dataclass
class EtfPrices:
    """One ETF's daily series from its first day in the sample."""

    days: pd.DatetimeIndex
    nav: np.ndarray
    close: np.ndarray
    adj_close: np.ndarray
    frame: pd.DataFrame


def etf_prices(
    rng: np.random.Generator,
    market: Market,
    symbol: str,
    spec: EtfSpec,
    first: int,
    dividend_yield: np.ndarray,
    end: pd.Timestamp,
) -> EtfPrices:
    """NAV = ratio x underlying x accrued dividends x (1 - fees); close = NAV x premium."""
    days = market.days[first:]
    log_path = market.log_paths[spec.underlying][first:]
    vol = market.vol[spec.underlying][first:]
    n = len(days)
    ex_dates = _ex_dividend_flags(days, spec.ex_day)
    accrual = dividend_yield[first:] / DAYS_PER_YEAR
    accrued = np.empty(n)
    dividend_share = np.zeros(n)  # dividend on an ex-date, as a share of the cum-dividend NAV
    acc = 0.0
    for t in range(n):
        if ex_dates[t]:
            dividend_share[t] = 1.0 - np.exp(-acc)
            acc = 0.0
        acc += accrual[t]
        accrued[t] = acc
    years = np.arange(n) / DAYS_PER_YEAR
    base = spec.ratio * START_LEVEL[spec.underlying] * np.exp(log_path[0])
    nav = base * np.exp(log_path - log_path[0] + accrued - spec.expense * years)
    premium = ar1(rng.normal(0.0, PREMIUM_SD, n), PREMIUM_AR)
    close = np.round(nav * np.exp(premium), 2)

    # Yahoo's adjustment: closes before an ex-date times (1 - dividend / previous close)
    dividend_cash = nav * dividend_share / (1.0 - dividend_share)  # ex NAV -> cum NAV
    factor = np.ones(n)
    counted = ex_dates & (days <= end)
    counted[0] = False
    idx = np.flatnonzero(counted)
    factor[idx] = 1.0 - dividend_cash[idx] / close[idx - 1]
    # cumulative product of the factors of all later ex-dates (shifted by one day)
    later = np.cumprod(factor[::-1])[::-1]
    adj = close * np.concatenate([later[1:], [1.0]])
    adj[days > end] = np.nan

    open_, high, low = ohlc(rng, close, close[0], vol)
    volume = traded_volume(rng, days, spec.volume, vol)
    frame = price_frame(symbol, days, open_, high, low, close, np.round(adj, 6), volume)
    return EtfPrices(days=days, nav=nav, close=close, adj_close=adj, frame=frame)


def first_day(days: pd.DatetimeIndex, inception: str) -> int:
    return int(days.searchsorted(max(pd.Timestamp(inception), days[0])))


# ================================================================================================
# ETF shares
# ================================================================================================


def _shares_outstanding(
    rng: np.random.Generator, days: pd.DatetimeIndex, anchors, returns_21d: np.ndarray
) -> np.ndarray:
    """Shares in whole creation units: growth path + persistent, performance-chasing flows."""
    n = len(days)
    log_target = np.log(interp_anchors(days, anchors, log=True))
    target = log_target.tolist()
    growth = np.diff(log_target, prepend=log_target[0]).tolist()
    noise = rng.normal(0.0, FLOW_NOISE, n).tolist()
    persistent = ar1(rng.normal(0.0, FLOW_PERSIST_SD, n), FLOW_PERSIST).tolist()
    active = (rng.random(n) >= FLOW_QUIET_DAYS).tolist()
    chase = (FLOW_CHASE * returns_21d).tolist()
    floor = MIN_UNITS * CREATION_UNIT
    shares = np.empty(n)
    s = float(max(round(np.exp(target[0]) / CREATION_UNIT), MIN_UNITS) * CREATION_UNIT)
    for t in range(n):
        if t > 0 and active[t]:
            wanted = growth[t] + FLOW_REVERSION * (target[t] - math.log(s)) + persistent[t]
            wanted += chase[t] + noise[t]
            s = max(s + round(wanted * s / CREATION_UNIT) * CREATION_UNIT, floor)
        shares[t] = s
    return shares


def shares_frame(rng: np.random.Generator, symbol: str, spec: EtfSpec, etf: EtfPrices):
    log_nav = np.log(etf.nav)
    returns_21d = np.zeros(len(log_nav))
    returns_21d[21:] = log_nav[21:] - log_nav[:-21] - 0.006  # excess over a typical month
    shares = _shares_outstanding(rng, etf.days, spec.shares, returns_21d)
    nav = np.round(etf.nav, 4)
    return pd.DataFrame(
        {
            "symbol": symbol,
            "date": etf.days,
            "shares_outstanding": shares,
            "nav": nav,
            "total_net_assets": np.round(shares * nav, 2),
        }
    )


def dividend_yields(spec: EtfSpec, forward_pe: np.ndarray) -> np.ndarray:
    """Yield moves inversely with valuation around the ETF's base yield."""
    raw = spec.base_yield * np.median(forward_pe) / forward_pe
    return np.clip(raw, *YIELD_BOUNDS)
