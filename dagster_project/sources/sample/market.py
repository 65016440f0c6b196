"""The sample's market: the two indexes' daily paths, the two series IJR and RSP track, and the
indexes' published prices.

**Large caps (^GSPC).** The log price is a *fundamental* path plus a mean-reverting deviation.
The fundamental path alternates bull markets (3-6 years, +15%/yr) and bear markets (0.7-1.5
years, each losing 22-45% in log terms). The deviation is an Ornstein-Uhlenbeck process
(reversion 2/yr) driven by GJR-GARCH(1,1) shocks with Student-t(5) innovations: volatility
clusters, rises more after losses, targets 14% a year in bull markets and 36% in bear markets,
and is capped at 75%. Result: ~19% annualized volatility, excess kurtosis ~10, drawdowns of
roughly 40-65%.

**Small caps (^RUT)** = large caps + 0.10 x the large-cap deviation (beta 1.1) + a spread. The
spread has a regime-switching drift: small- and large-cap leadership alternate in stretches of
1-5 years, each moving relative strength by 10-25% (and giving back half of what earlier
regimes accumulated, so it never wanders off), plus fat-tailed noise of ~10%/yr whose
volatility rises with the market's (elasticity 0.6) and which reverts at 2/yr. Result: daily
correlation ~0.88, spread volatility ~70-75 bps a day, small caps leading about half the time.

**Derived series**, the underlyings of two ETFs (``funds.py``): IJR's, an S&P 600-like series
~0.97 correlated with ^RUT; RSP's, an equal-weight series between large and small caps.

**Prices.** Open, high and low around each close (an overnight gap and intraday wicks), and a
volume that grows along anchors and rises on volatile days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dagster_project.sources.sample.common import (
    DAYS_PER_YEAR,
    alternating_segments,
    ar1,
    interp_anchors,
    ou,
    student_t,
)

INDEXES = {"^GSPC": "large", "^RUT": "small"}  # symbol -> its path in Market.log_paths

# --- large caps: fundamental regimes + GJR-GARCH deviation ----------------------------------------
START_LEVEL = {"large": 459.1, "small": 250.4, "sp600": 120.0, "equal": 460.0}
BULL_YEARS = (3.0, 6.0)
BEAR_YEARS = (0.7, 1.5)
BULL_DRIFT = 0.15  # fundamental log growth per year in bull markets
BEAR_DEPTH = (0.22, 0.45)  # fundamental log loss of one bear market
PRICE_REVERSION = 2.0  # per year: how fast price returns to its fundamental path
BULL_VOL, BEAR_VOL, VOL_CAP = 0.14, 0.36, 0.75  # GARCH volatility targets and cap, annualized
GARCH_ALPHA, GARCH_GAMMA, GARCH_BETA = 0.02, 0.09, 0.91  # GJR: gamma adds after losses
T_DOF = 5.0  # Student-t innovations

# --- small caps: beta, regime-switching spread, spread noise -------------------------------------
SMALL_BETA = 1.10
SPREAD_REGIME_YEARS = (1.0, 5.0)
SPREAD_MOVE = (0.10, 0.25)  # log relative-strength move of one leadership regime
SPREAD_PULL = 0.5  # share of the accumulated relative move each new regime gives back
SPREAD_DRIFT = 0.004  # small caps' structural edge per year
SPREAD_VOL, SPREAD_DOF, SPREAD_MA = 0.105, 5.0, -0.08
SPREAD_REVERSION = 2.0  # per year
REFERENCE_VOL = 0.17  # spread volatility scales with (market volatility / this) ** elasticity
SPREAD_VOL_ELASTICITY = 0.6
SPREAD_VOL_AR, SPREAD_VOL_SD = 0.995, 0.02  # slow log-volatility wobble of the spread

# --- derived underlyings of IJR and RSP -----------------------------------------------------------
SP600_NOISE, SP600_DRIFT = 0.25, 0.010  # noise x small-cap vol (corr ~0.97), extra return/yr
EQUAL_TILT, EQUAL_NOISE, EQUAL_DRIFT = 0.35, 0.27, 0.003
TRACKING_REVERSION = 3.0  # per year, for the two derived series' noise

# --- prices: OHLC and volume ----------------------------------------------------------------------
GAP_SHARE, GAP_NOISE, WICK = 0.3, 0.2, 0.4  # overnight gap and intraday wicks, x daily vol
VOLUME_NOISE, VOLUME_VOL_ELASTICITY = 0.25, 0.6
INDEX_VOLUME = {  # (date, shares a day): log-linear between anchors
    "^GSPC": (("1995-01-01", 3.4e8), ("2000-01-01", 1.0e9), ("2008-10-01", 5.0e9),
              ("2026-12-31", 4.5e9)),
    "^RUT": (("1995-01-01", 2.5e8), ("2000-01-01", 6.0e8), ("2008-10-01", 3.5e9),
             ("2026-12-31", 4.3e9)),
}  # fmt: skip


@dataclass
class Market:
    """Daily paths on trading days: cumulative log returns and conditional daily volatility."""

    days: pd.DatetimeIndex
    log_paths: dict[str, np.ndarray]  # large, small, sp600, equal (0 = the origin's level)
    vol: dict[str, np.ndarray]  # daily conditional volatility of each path
    bear: np.ndarray  # 1 in a fundamental bear market
    small_leads: np.ndarray  # 1 in a small-cap leadership regime

    def level(self, name: str) -> np.ndarray:
        return START_LEVEL[name] * np.exp(self.log_paths[name])


def _fundamental_path(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Alternating bull and bear markets: (cumulative fundamental log growth, bear flag)."""
    drift = np.empty(n)
    bear = np.zeros(n, dtype=np.int8)
    for start, stop, state, length in alternating_segments(rng, n, (BULL_YEARS, BEAR_YEARS), 0):
        if state == 1:
            drift[start:stop] = -rng.uniform(*BEAR_DEPTH) / length
            bear[start:stop] = 1
        else:
            drift[start:stop] = BULL_DRIFT / DAYS_PER_YEAR
    return np.cumsum(drift), bear


def _gjr_garch(z: np.ndarray, bear: np.ndarray) -> np.ndarray:
    """Conditional daily variance of a GJR-GARCH(1,1) whose long-run level follows the regime."""
    target = np.where(bear == 1, BEAR_VOL, BULL_VOL) ** 2 / DAYS_PER_YEAR
    omega = (target * (1.0 - GARCH_ALPHA - GARCH_GAMMA / 2.0 - GARCH_BETA)).tolist()
    cap = VOL_CAP**2 / DAYS_PER_YEAR
    h = np.empty(len(z))
    var = float(target[0])
    for t, zt in enumerate(z.tolist()):
        h[t] = var
        shock2 = var * zt * zt
        var = omega[t] + (GARCH_ALPHA + (GARCH_GAMMA if zt < 0 else 0.0)) * shock2
        var = min(var + GARCH_BETA * h[t], cap)
    return h


def _spread_regimes(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Regime-switching relative strength (log, small minus large) and the leadership flag."""
    first = int(rng.random() < 0.5)
    path = np.empty(n)
    leads = np.zeros(n, dtype=np.int8)
    level = 0.0
    segments = alternating_segments(rng, n, (SPREAD_REGIME_YEARS, SPREAD_REGIME_YEARS), first)
    for start, stop, state, length in segments:
        sign = 1.0 if state == 1 else -1.0
        move = sign * rng.uniform(*SPREAD_MOVE) - SPREAD_PULL * level
        ramp = np.arange(1, stop - start + 1) / length
        path[start:stop] = level + move * ramp
        leads[start:stop] = state
        level += move
    return path + SPREAD_DRIFT * np.arange(1, n + 1) / DAYS_PER_YEAR, leads


def simulate_market(streams: dict[str, np.random.Generator], days: pd.DatetimeIndex) -> Market:
    """Large caps, small caps and the two derived series (see the module docstring)."""
    n = len(days)
    fundamental, bear = _fundamental_path(streams["regimes"], n)
    z = student_t(streams["market"], T_DOF, n)
    h = _gjr_garch(z, bear)
    deviation = ou(np.sqrt(h) * z, PRICE_REVERSION)
    large = fundamental + deviation

    rng = streams["spread"]
    relative, leads = _spread_regimes(rng, n)
    wobble = np.exp(ar1(rng.normal(0.0, SPREAD_VOL_SD, n), SPREAD_VOL_AR))
    market_vol = np.sqrt(h * DAYS_PER_YEAR) / REFERENCE_VOL
    spread_vol = SPREAD_VOL * market_vol**SPREAD_VOL_ELASTICITY * wobble
    u = student_t(rng, SPREAD_DOF, n)
    u[1:] += SPREAD_MA * u[:-1]
    idio = ou(spread_vol / np.sqrt(DAYS_PER_YEAR) * u, SPREAD_REVERSION)
    small = large + (SMALL_BETA - 1.0) * deviation + relative + idio
    small_vol = np.sqrt(SMALL_BETA**2 * h + spread_vol**2 / DAYS_PER_YEAR)

    rng = streams["derived"]
    t_years = np.arange(1, n + 1) / DAYS_PER_YEAR
    sp600_noise = ou(SP600_NOISE * small_vol * student_t(rng, T_DOF, n), TRACKING_REVERSION)
    sp600 = small + sp600_noise + SP600_DRIFT * t_years
    equal_noise = ou(EQUAL_NOISE * np.sqrt(h) * student_t(rng, T_DOF, n), TRACKING_REVERSION)
    equal = large + EQUAL_TILT * (small - large) + equal_noise + EQUAL_DRIFT * t_years
    equal_vol = (1.0 - EQUAL_TILT) * np.sqrt(h) + EQUAL_TILT * small_vol
    return Market(
        days=days,
        log_paths={"large": large, "small": small, "sp600": sp600, "equal": equal},
        vol={"large": np.sqrt(h), "small": small_vol, "sp600": small_vol, "equal": equal_vol},
        bear=bear,
        small_leads=leads,
    )


# --- the indexes' prices --------------------------------------------------------------------------


def ohlc(
    rng: np.random.Generator, close: np.ndarray, first_prev: float, vol: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Open, high, low around given closes: an overnight gap and intraday wicks."""
    n = len(close)
    prev = np.concatenate([[first_prev], close[:-1]])
    day_return = np.log(close / prev)
    gap = GAP_SHARE * day_return + GAP_NOISE * vol * rng.standard_normal(n)
    open_ = prev * np.exp(gap)
    high = np.maximum(open_, close) * np.exp(WICK * vol * np.abs(rng.standard_normal(n)))
    low = np.minimum(open_, close) * np.exp(-WICK * vol * np.abs(rng.standard_normal(n)))
    return open_, high, low


def traded_volume(
    rng: np.random.Generator, days: pd.DatetimeIndex, anchors, vol: np.ndarray
) -> np.ndarray:
    """Shares traded: a growth path, more on volatile days, lognormal noise; positive ints."""
    base = interp_anchors(days, anchors, log=True)
    surprise = (vol / np.median(vol)) ** VOLUME_VOL_ELASTICITY
    noise = np.exp(VOLUME_NOISE * rng.standard_normal(len(days)) - VOLUME_NOISE**2 / 2)
    return np.maximum(np.round(base * surprise * noise), 1).astype(np.int64)


def price_frame(symbol, days, open_, high, low, close, adj_close, volume) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": symbol,
            "date": days,
            "open": np.round(open_, 2),
            "high": np.round(high, 2),
            "low": np.round(low, 2),
            "close": np.round(close, 2),
            "adj_close": adj_close,
            "volume": volume,
        }
    )


def index_prices(rng: np.random.Generator, market: Market, symbol: str) -> pd.DataFrame:
    name = INDEXES[symbol]
    close = market.level(name)
    open_, high, low = ohlc(rng, close, START_LEVEL[name], market.vol[name])
    volume = traded_volume(rng, market.days, INDEX_VOLUME[symbol], market.vol[name])
    adj = np.full(len(close), np.nan)
    return price_frame(symbol, market.days, open_, high, low, close, adj, volume)
