"""The sample source: a deterministic, offline, synthetic market that looks like the real one.

Nothing here is market history. One seed and one end date give one 30-year history, generated
once per source from a fixed origin (1995-01-01) and sliced for every request, so a sub-range is
always the exact slice of the full range. The model, from the bottom up (constants below):

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

**ETFs** track an underlying (SPY, IVV: ^GSPC; IWM: ^RUT; IJR: an S&P 600-like series ~0.97
correlated with ^RUT; RSP: an equal-weight series between large and small caps). NAV accrues
the dividend yield (1.0-2.4%/yr, higher when valuations are low), drops by it on quarterly
ex-dividend dates and pays the expense ratio daily; the close is NAV times a premium/discount of
a few bps. ``adj_close`` is Yahoo's total-return close: every close before an ex-date is
multiplied by (1 - dividend / previous close), so it equals ``close`` from the last ex-date on
and is lower before. Shares outstanding move in whole creation units of 50,000 shares, with
persistent, performance-chasing flows around a growth path; some days see no flows.

**Macro.** Unemployment rises while the market is in a drawdown from its two-year high and
decays slowly toward 3.4% otherwise. Core inflation is a persistent process around 2.6%/yr that
softens with slack; headline CPI adds an energy component whose level drops in crashes. The Fed
follows a Taylor-type rule (neutral rate + inflation - slack - market stress) in 25-bp steps at
eight meetings a year, with a dead band, reluctance to reverse, a zero lower bound (a 0-0.25
range) and emergency cuts in crashes. DFEDTAR (a single target) runs to 2008-12-15 and
DFEDTARU/DFEDTARL (a range) from 2008-12-16, as at FRED. The 2-year yield prices the expected
policy path, the 10-year adds a slope that shrinks as the 2-year rises above the long-run rate,
and the high-yield spread widens with drawdowns and volatility. Monthly series are dated the
first of the month; October 2025 unemployment is absent (BLS never published it).

**Vintages.** Every macro row is a vintage (``realtime_start``, ``realtime_kind = 'vintage'``),
dated by the release calendar (``releases``): a daily series has one, on its release day (a
target on its own date, the others the next federal business day). A monthly series has a first
print on its release day, revisions in the next two monthly releases and in the annual revisions
of seasonal factors (the release in January for the unemployment rate, in February for the CPI),
each of which revises the 60 months before; the unemployment rate moves by a 0.1 step at times,
the CPI level by a few hundredths of a percent, rounded as published (0.1; 3 decimals), and a
revision that leaves the published value unchanged is no vintage. SAHMREALTIME has one vintage a
month, on the Employment Situation's day, computed from the unemployment rate as known that day
(the Sahm rule). Only vintages out by ``end`` exist (a month not yet published has none), and the
latest of every observation is its final value, the one the rest of the model reads; the
revision noise has its own generator, so no other series moves.

**Members** (``sample_members.py``). Each index has ``members`` synthetic members (default
100 per index; ``L0001``.. for ^GSPC, ``S0001``.. for ^RUT) with sectors, a realistic size
distribution and prices whose cap-weighted daily returns are the index's exactly; their
month-end holdings are the ``constituents`` of ^GSPC and ^RUT.

**Valuations.** Forward P/E = price / forward EPS, where EPS follows the price smoothed over
about a year (so P/E moves with price and mean-reverts, and EPS dips after bear markets) around
a slowly moving anchor: small caps at a premium to large caps until the mid-2010s and at a
discount (about 15x vs 21x) by 2026. Trailing EPS is the forward EPS of a year earlier, cut in
downturns. Monthly, on the last trading day of each month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

from dagster_project import reference, releases
from dagster_project.sources.calendar import trading_days
from dagster_project.sources.sample_members import (
    DEFAULT_MEMBERS,
    IndexMembers,
    generate_members,
)

# --- time -----------------------------------------------------------------------------------------
ORIGIN = date(1995, 1, 1)
DEFAULT_SEED = 42
DEFAULT_END = date(2026, 6, 30)
DAYS_PER_YEAR = 252
RANGE_SWITCH = pd.Timestamp("2008-12-16")  # FRED: single target to 12-15, a range from 12-16
MISSING_MONTHS = {"UNRATE": ("2025-10-01",)}  # never published (government shutdown)

# --- large caps: fundamental regimes + GJR-GARCH deviation ----------------------------------------
START_LEVEL = {"large": 459.1, "small": 250.4, "sp600": 120.0, "equal": 460.0}
BULL_YEARS = (3.0, 6.0)
BEAR_YEARS = (0.7, 1.5)
BULL_DRIFT = 0.15  # fundamental log growth per year in bull markets
BEAR_DEPTH = (0.22, 0.45)  # fundamental log loss of one bear market
PRICE_REVERSION = 2.0  # per year: how fast price returns to its fundamental path
BULL_VOL, BEAR_VOL, VOL_CAP = 0.14, 0.36, 0.75  # GARCH volatility targets and cap, annualized
GARCH_ALPHA, GARCH_GAMMA, GARCH_BETA = 0.02, 0.09, 0.91  # GJR: gamma adds after losses
T_DOF, Z_CLIP = 5.0, 8.0  # Student-t innovations, clipped at 8 standard deviations

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
INDEXES = {"^GSPC": "large", "^RUT": "small"}

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

# --- macro ----------------------------------------------------------------------------------------
U_START, U_FLOOR, U_CAP = 5.6, 3.4, 12.0
U_RISE, U_DD_THRESHOLD, U_DECAY = 1.6, 0.08, 0.028  # per month
U_SHOCK_SD, U_OBS_SD = 0.04, 0.07
CPI_START, CORE_START = 150.3, 161.0
CORE_MEAN, CORE_AR, CORE_TREND_SD, CORE_NOISE = 2.6, 0.97, 0.15, 1.4  # % a year
PHILLIPS = 0.01  # monthly pull of core inflation per point of unemployment above U_NATURAL
ENERGY_MEAN, ENERGY_AR, ENERGY_SD = 0.1, 0.9, 0.25  # energy's gap to trend: % of the CPI level
ENERGY_CRASH = 8.0  # % of the CPI level lost per unit of one-year drawdown beyond 10%
R_STAR = (("1995-01-01", 2.75), ("2000-01-01", 2.25), ("2007-01-01", 2.0), ("2012-01-01", 0.75),
          ("2021-01-01", 0.5), ("2026-12-31", 1.25))  # fmt: skip  # neutral real rate, %
U_NATURAL = (("1995-01-01", 5.0), ("2005-01-01", 4.8), ("2026-12-31", 4.3))
TAYLOR_INFLATION, TAYLOR_SLACK, TAYLOR_STRESS = 0.5, 1.5, 12.0
STRESS_FREE_DRAWDOWN = 0.10  # one-year drawdowns beyond this count as market stress
POLICY_CEILING = 7.0  # the rule never asks for more than this
FED_DEAD_BAND = 0.5  # the Fed moves when the rule is this far from the target
REVERSAL_MEETINGS = 3
FOMC_SCHEDULE = ((1, 31), (3, 20), (5, 3), (6, 18), (7, 31), (9, 20), (11, 1), (12, 12))
EMERGENCY_DRAWDOWN, EMERGENCY_SPEED = 0.20, 0.08  # one-year drawdown, fall over 10 days
DFF_PRE_SD, DFF_RANGE_OFFSET, DFF_RANGE_SD = 0.06, 0.08, 0.015
TWO_YEAR_ANTICIPATION, TWO_YEAR_PREMIUM, TWO_YEAR_FLOOR = 0.6, 0.15, 0.1
TWO_YEAR_AR, TWO_YEAR_SD = 0.985, 0.045
SLOPE_WEIGHT, TERM_PREMIUM = 0.55, 1.0
SLOPE_SOFT_BOUNDS, SLOPE_BOUNDS = (-0.85, 2.6), (-1.1, 2.9)  # soft for the signal, hard
SLOPE_AR, SLOPE_SD = 0.99, 0.03
HY_BASE, HY_DRAWDOWN, HY_VOL, HY_CALM_VOL = 3.2, 2.2, 0.3, 0.12
HY_FLOOR, HY_CAP = 2.0, 21.5  # a soft floor, a hard cap
HY_AR, HY_SD = 0.98, 0.02

# --- macro vintages -------------------------------------------------------------------------------
MONTHLY_REVISIONS = 2  # a monthly value is revised in the next two monthly releases
ANNUAL_YEARS = 5  # ... and in the annual revisions of seasonal factors of the next five years
ANNUAL_RELEASE = {"UNRATE": 12, "CPIAUCSL": 1, "CPILFESL": 1}  # the release of this month's
# data revises the 60 months before it: December's (out in January) for the unemployment rate,
# January's (out in February) for the CPI
# by kind of vintage: first print, monthly revision, annual revision
UNRATE_STEP_CHANCE = (0.3, 0.15, 0.1)  # the chance of a 0.1-point move from the final value
CPI_REVISION_SD = (2e-4, 1.5e-4, 1e-4)  # relative to the level
SAHM_RULE_SERIES = "SAHMREALTIME"  # from the unemployment rate as known on each release day

# --- valuations -----------------------------------------------------------------------------------
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

STREAMS = ("regimes", "market", "spread", "derived", "ohlc", "etf", "shares", "macro", "pe")

PRICE_COLUMNS = ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume"]
SHARES_COLUMNS = ["symbol", "date", "shares_outstanding", "nav", "total_net_assets"]
MACRO_COLUMNS = ["series_id", "date", "realtime_start", "value", "realtime_kind"]
VALUATION_COLUMNS = ["symbol", "date", "metric", "value"]


# ================================================================================================
# small numerical helpers
# ================================================================================================


def _student_t(rng: np.random.Generator, dof: float, n: int) -> np.ndarray:
    """Student-t draws scaled to unit variance and clipped at Z_CLIP."""
    z = rng.standard_t(dof, n) * np.sqrt((dof - 2.0) / dof)
    return np.clip(z, -Z_CLIP, Z_CLIP)


def _ar1(shocks: np.ndarray, phi: float, start: float = 0.0) -> np.ndarray:
    """x_t = phi * x_{t-1} + shock_t."""
    out = np.empty(len(shocks))
    x = start
    for t, e in enumerate(shocks.tolist()):
        x = phi * x + e
        out[t] = x
    return out


def _ou(shocks: np.ndarray, reversion_per_year: float) -> np.ndarray:
    """A discretized Ornstein-Uhlenbeck process on trading days, started at zero."""
    return _ar1(shocks, 1.0 - reversion_per_year / DAYS_PER_YEAR)


def _interp_anchors(days: pd.DatetimeIndex, anchors, log: bool = False) -> np.ndarray:
    """Piecewise-linear interpolation of (date, value) anchors over ``days`` (flat outside)."""
    xs = pd.DatetimeIndex([pd.Timestamp(d) for d, _ in anchors]).as_unit("ns").asi8
    ys = np.array([v for _, v in anchors], dtype=float)
    grid = pd.DatetimeIndex(days).as_unit("ns").asi8
    if log:
        return np.exp(np.interp(grid, xs, np.log(ys)))
    return np.interp(grid, xs, ys)


def _alternating_segments(
    rng: np.random.Generator, n: int, years: tuple[tuple[float, float], ...], first: int
) -> list[tuple[int, int, int, int]]:
    """Cover 0..n with alternating states; durations uniform in ``years[state]``.

    Returns (start, stop, state, full_length) per segment; the last one may be cut at ``n``.
    """
    segments, start, state = [], 0, first
    while start < n:
        low, high = years[state]
        length = max(1, round(rng.uniform(low, high) * DAYS_PER_YEAR))
        segments.append((start, min(start + length, n), state, length))
        start += length
        state = 1 - state
    return segments


def _running_drawdown(log_level: np.ndarray, window: int) -> np.ndarray:
    """Fractional drawdown (>= 0) from the highest level of the trailing ``window`` days."""
    peak = pd.Series(log_level).rolling(window, min_periods=1).max().to_numpy()
    return 1.0 - np.exp(log_level - peak)


def _soft_floor(x: np.ndarray, floor: float, softness: float) -> np.ndarray:
    """A smooth max(x, floor) (softplus): x well above the floor is left as it is."""
    return floor + softness * np.logaddexp(0.0, (x - floor) / softness)


def _ewma(values: np.ndarray, halflife: float) -> np.ndarray:
    return pd.Series(values).ewm(halflife=halflife, adjust=False).mean().to_numpy()


# ================================================================================================
# the market
# ================================================================================================


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
    for start, stop, state, length in _alternating_segments(rng, n, (BULL_YEARS, BEAR_YEARS), 0):
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
    segments = _alternating_segments(rng, n, (SPREAD_REGIME_YEARS, SPREAD_REGIME_YEARS), first)
    for start, stop, state, length in segments:
        sign = 1.0 if state == 1 else -1.0
        move = sign * rng.uniform(*SPREAD_MOVE) - SPREAD_PULL * level
        ramp = np.arange(1, stop - start + 1) / length
        path[start:stop] = level + move * ramp
        leads[start:stop] = state
        level += move
    return path + SPREAD_DRIFT * np.arange(1, n + 1) / DAYS_PER_YEAR, leads


def _simulate_market(streams: dict[str, np.random.Generator], days: pd.DatetimeIndex) -> Market:
    """Large caps, small caps and the two derived series (see the module docstring)."""
    n = len(days)
    fundamental, bear = _fundamental_path(streams["regimes"], n)
    z = _student_t(streams["market"], T_DOF, n)
    h = _gjr_garch(z, bear)
    deviation = _ou(np.sqrt(h) * z, PRICE_REVERSION)
    large = fundamental + deviation

    rng = streams["spread"]
    relative, leads = _spread_regimes(rng, n)
    wobble = np.exp(_ar1(rng.normal(0.0, SPREAD_VOL_SD, n), SPREAD_VOL_AR))
    market_vol = np.sqrt(h * DAYS_PER_YEAR) / REFERENCE_VOL
    spread_vol = SPREAD_VOL * market_vol**SPREAD_VOL_ELASTICITY * wobble
    u = _student_t(rng, SPREAD_DOF, n)
    u[1:] += SPREAD_MA * u[:-1]
    idio = _ou(spread_vol / np.sqrt(DAYS_PER_YEAR) * u, SPREAD_REVERSION)
    small = large + (SMALL_BETA - 1.0) * deviation + relative + idio
    small_vol = np.sqrt(SMALL_BETA**2 * h + spread_vol**2 / DAYS_PER_YEAR)

    rng = streams["derived"]
    t_years = np.arange(1, n + 1) / DAYS_PER_YEAR
    sp600_noise = _ou(SP600_NOISE * small_vol * _student_t(rng, T_DOF, n), TRACKING_REVERSION)
    sp600 = small + sp600_noise + SP600_DRIFT * t_years
    equal_noise = _ou(EQUAL_NOISE * np.sqrt(h) * _student_t(rng, T_DOF, n), TRACKING_REVERSION)
    equal = large + EQUAL_TILT * (small - large) + equal_noise + EQUAL_DRIFT * t_years
    equal_vol = (1.0 - EQUAL_TILT) * np.sqrt(h) + EQUAL_TILT * small_vol
    return Market(
        days=days,
        log_paths={"large": large, "small": small, "sp600": sp600, "equal": equal},
        vol={"large": np.sqrt(h), "small": small_vol, "sp600": small_vol, "equal": equal_vol},
        bear=bear,
        small_leads=leads,
    )


# ================================================================================================
# prices
# ================================================================================================


def _ohlc(
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


def _volume(
    rng: np.random.Generator, days: pd.DatetimeIndex, anchors, vol: np.ndarray
) -> np.ndarray:
    """Shares traded: a growth path, more on volatile days, lognormal noise; positive ints."""
    base = _interp_anchors(days, anchors, log=True)
    surprise = (vol / np.median(vol)) ** VOLUME_VOL_ELASTICITY
    noise = np.exp(VOLUME_NOISE * rng.standard_normal(len(days)) - VOLUME_NOISE**2 / 2)
    return np.maximum(np.round(base * surprise * noise), 1).astype(np.int64)


def _price_frame(symbol, days, open_, high, low, close, adj_close, volume) -> pd.DataFrame:
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


def _index_prices(rng: np.random.Generator, market: Market, symbol: str) -> pd.DataFrame:
    name = INDEXES[symbol]
    close = market.level(name)
    open_, high, low = _ohlc(rng, close, START_LEVEL[name], market.vol[name])
    volume = _volume(rng, market.days, INDEX_VOLUME[symbol], market.vol[name])
    adj = np.full(len(close), np.nan)
    return _price_frame(symbol, market.days, open_, high, low, close, adj, volume)


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


def _etf_prices(
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
    premium = _ar1(rng.normal(0.0, PREMIUM_SD, n), PREMIUM_AR)
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

    open_, high, low = _ohlc(rng, close, close[0], vol)
    volume = _volume(rng, days, spec.volume, vol)
    frame = _price_frame(symbol, days, open_, high, low, close, np.round(adj, 6), volume)
    return EtfPrices(days=days, nav=nav, close=close, adj_close=adj, frame=frame)


def _first_day(days: pd.DatetimeIndex, inception: str) -> int:
    return int(days.searchsorted(max(pd.Timestamp(inception), days[0])))


# ================================================================================================
# ETF shares
# ================================================================================================


def _shares_outstanding(
    rng: np.random.Generator, days: pd.DatetimeIndex, anchors, returns_21d: np.ndarray
) -> np.ndarray:
    """Shares in whole creation units: growth path + persistent, performance-chasing flows."""
    n = len(days)
    log_target = np.log(_interp_anchors(days, anchors, log=True))
    target = log_target.tolist()
    growth = np.diff(log_target, prepend=log_target[0]).tolist()
    noise = rng.normal(0.0, FLOW_NOISE, n).tolist()
    persistent = _ar1(rng.normal(0.0, FLOW_PERSIST_SD, n), FLOW_PERSIST).tolist()
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


def _shares_frame(rng: np.random.Generator, symbol: str, spec: EtfSpec, etf: EtfPrices):
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


# ================================================================================================
# macro
# ================================================================================================


@dataclass
class MarketSignals:
    """What the macro model reads from the market, on trading days."""

    drawdown_1y: np.ndarray
    drawdown_2y: np.ndarray
    realized_vol: np.ndarray  # 21-day, annualized


def _market_signals(market: Market) -> MarketSignals:
    large = market.log_paths["large"]
    returns = np.diff(large, prepend=0.0)
    rv = pd.Series(returns).rolling(21, min_periods=1).std().fillna(0.01).to_numpy()
    return MarketSignals(
        drawdown_1y=_running_drawdown(large, DAYS_PER_YEAR),
        drawdown_2y=_running_drawdown(large, 2 * DAYS_PER_YEAR),
        realized_vol=np.maximum(rv * np.sqrt(DAYS_PER_YEAR), 0.05),
    )


def _month_end_values(days: pd.DatetimeIndex, values: np.ndarray, months: pd.DatetimeIndex):
    """The value on the last trading day of each month (months as month-start timestamps)."""
    series = pd.Series(values, index=days)
    last = series.groupby(days.to_period("M")).last()
    return last.reindex(months.to_period("M")).ffill().bfill().to_numpy()


def _unemployment(rng: np.random.Generator, drawdown_2y: np.ndarray) -> np.ndarray:
    """Monthly latent unemployment: rises in drawdowns, decays toward U_FLOOR, capped at U_CAP."""
    n = len(drawdown_2y)
    shocks = rng.normal(0.0, U_SHOCK_SD, n)
    u = np.empty(n)
    level = U_START
    for m in range(n):
        room = (U_CAP - level) / (U_CAP - U_FLOOR)
        rise = U_RISE * max(drawdown_2y[m] - U_DD_THRESHOLD, 0.0) * room
        level += rise - U_DECAY * (level - U_FLOOR) + shocks[m]
        level = min(max(level, U_FLOOR - 0.1), U_CAP)
        u[m] = level
    return u


def _inflation(
    rng: np.random.Generator,
    unemployment: np.ndarray,
    natural: np.ndarray,
    drawdown_1y: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Monthly annualized core and headline inflation rates, in percent."""
    n = len(unemployment)
    trend = np.empty(n)
    level = CORE_MEAN
    for m, e in enumerate(rng.normal(0.0, CORE_TREND_SD, n).tolist()):
        slack = PHILLIPS * (unemployment[m] - natural[m])
        level = CORE_MEAN + CORE_AR * (level - CORE_MEAN) - slack + e
        trend[m] = level
    core = trend + rng.normal(0.0, CORE_NOISE, n)
    # energy moves the headline *level* (in % of CPI) and falls in crashes, then recovers
    energy_gap = _ar1(rng.normal(0.0, ENERGY_SD, n), ENERGY_AR)
    energy_gap -= ENERGY_CRASH * np.maximum(drawdown_1y - STRESS_FREE_DRAWDOWN, 0.0)
    energy_rate = 12.0 * np.diff(energy_gap, prepend=0.0)  # annualized, like the core rate
    return core, core + ENERGY_MEAN + energy_rate


def _price_index(start: float, annual_rates: np.ndarray) -> np.ndarray:
    return np.round(start * np.cumprod(1.0 + annual_rates / 1200.0), 3)


def _fomc_days(days: pd.DatetimeIndex) -> np.ndarray:
    """Flags on trading days: the first trading day on or after each scheduled meeting date."""
    flags = np.zeros(len(days), dtype=bool)
    for year in range(days[0].year, days[-1].year + 1):
        for month, day in FOMC_SCHEDULE:
            i = days.searchsorted(pd.Timestamp(year, month, day))
            if i < len(days):
                flags[i] = True
    return flags


def _policy_step(gap: float, drawdown: float, last_move: float, meetings_since: int) -> float:
    """The Fed's move at a meeting, in percentage points (multiples of 0.25).

    It moves when the rule is at least FED_DEAD_BAND away, by 25 bp (50 when far behind, up to
    75 in a crash); reversing the direction of its last move needs REVERSAL_MEETINGS meetings
    and a wider gap.
    """
    reversing = last_move * gap < 0
    if reversing and meetings_since < REVERSAL_MEETINGS:
        return 0.0
    band = FED_DEAD_BAND + (0.25 if reversing else 0.0)
    if gap >= band:
        return 0.5 if gap >= 2.5 else 0.25
    if gap <= -band:
        if gap <= -2.5 and drawdown > 0.15:
            return -0.75
        return -0.5 if gap <= -1.25 else -0.25
    return 0.0


def _fed_target(desired: np.ndarray, signals: MarketSignals, meetings: np.ndarray) -> np.ndarray:
    """The target (single rate, or the range's upper limit) on trading days, in 25-bp steps.

    Besides the scheduled meetings, the Fed cuts 50 bp between meetings when the market crashes
    (a one-year drawdown beyond EMERGENCY_DRAWDOWN, deepening fast) and the rule wants cuts.
    """
    target = max(0.25, round(desired[0] * 4) / 4)
    last_move, since_move, meetings_since = 0.0, 0, 0
    dd = signals.drawdown_1y
    out = np.empty(len(desired))
    for t in range(len(desired)):
        gap = desired[t] - target
        step = 0.0
        if meetings[t]:
            meetings_since += 1
            step = _policy_step(gap, dd[t], last_move, meetings_since)
        elif t >= 10 and since_move > 20 and target > 0.25 and gap <= -1.0:
            crashing = dd[t] > EMERGENCY_DRAWDOWN and dd[t] - dd[t - 10] > EMERGENCY_SPEED
            step = -0.5 if crashing else 0.0
        new = max(0.25, target + step)
        if new != target:
            last_move, since_move, meetings_since = new - target, 0, 0
        else:
            since_move += 1
        target = new
        out[t] = target
    return out


def _calendar_days(end: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(ORIGIN), end, freq="D").astype("datetime64[ns]")


def _business_days(end: pd.Timestamp) -> pd.DatetimeIndex:
    holidays = USFederalHolidayCalendar().holidays(pd.Timestamp(ORIGIN), end)
    weekdays = pd.bdate_range(pd.Timestamp(ORIGIN), end).astype("datetime64[ns]")
    return weekdays.difference(holidays)


def _on(days: pd.DatetimeIndex, values: np.ndarray, grid: pd.DatetimeIndex) -> np.ndarray:
    """Values on trading days carried onto another date grid (forward, then backward, filled)."""
    carried = pd.Series(values, index=days).reindex(grid, method="ffill").bfill()
    return carried.to_numpy(dtype=float, copy=True)


def _series(series_id: str, days, values) -> pd.DataFrame:
    return pd.DataFrame({"series_id": series_id, "date": days, "value": values})


@dataclass
class MonthlyMacro:
    """Monthly series, dated the first of each month."""

    months: pd.DatetimeIndex
    unemployment: np.ndarray  # latent, unrounded
    core: np.ndarray  # CPILFESL level
    cpi: np.ndarray  # CPIAUCSL level


def _monthly_macro(rng: np.random.Generator, market: Market, signals, horizon) -> MonthlyMacro:
    """Unemployment and the two CPI indexes, driven by month-end drawdowns."""
    months = pd.date_range(pd.Timestamp(ORIGIN), horizon, freq="MS").astype("datetime64[ns]")
    unemployment = _unemployment(rng, _month_end_values(market.days, signals.drawdown_2y, months))
    natural = _interp_anchors(months, U_NATURAL)
    drawdown_1y = _month_end_values(market.days, signals.drawdown_1y, months)
    core_rate, headline_rate = _inflation(rng, unemployment, natural, drawdown_1y)
    return MonthlyMacro(
        months=months,
        unemployment=unemployment,
        core=_price_index(CORE_START, core_rate),
        cpi=_price_index(CPI_START, headline_rate),
    )


def _known(days: pd.DatetimeIndex, monthly: MonthlyMacro, values: np.ndarray) -> np.ndarray:
    """Monthly values as known on each day: a month's figure from the first of the next month."""
    return _on(monthly.months + pd.offsets.MonthBegin(1), values, days)


def _core_inflation(days: pd.DatetimeIndex, monthly: MonthlyMacro) -> np.ndarray:
    """Year-over-year core inflation (%) as known on each day."""
    return _known(days, monthly, (pd.Series(monthly.core).pct_change(12) * 100).bfill().to_numpy())


def _policy_rule(days: pd.DatetimeIndex, monthly: MonthlyMacro, signals) -> np.ndarray:
    """The Taylor-type rate the Fed wants each trading day, from what it knows that day."""
    u_smooth = pd.Series(monthly.unemployment).rolling(3, min_periods=1).mean().to_numpy()
    inflation = _core_inflation(days, monthly)
    slack = _known(days, monthly, u_smooth) - _interp_anchors(days, U_NATURAL)
    stress = np.maximum(signals.drawdown_1y - STRESS_FREE_DRAWDOWN, 0.0)
    desired = (
        _interp_anchors(days, R_STAR)
        + inflation
        + TAYLOR_INFLATION * (inflation - 2.0)
        - TAYLOR_SLACK * slack
        - TAYLOR_STRESS * stress
    )
    return np.minimum(desired, POLICY_CEILING)


def _macro(rng: np.random.Generator, market: Market, horizon: pd.Timestamp) -> pd.DataFrame:
    """Every macro series over the horizon (see the module docstring for the model)."""
    days = market.days
    signals = _market_signals(market)
    monthly = _monthly_macro(rng, market, signals, horizon)
    desired = _policy_rule(days, monthly, signals)
    target = _fed_target(desired, signals, _fomc_days(days))

    calendar = _calendar_days(horizon)
    target_daily = _on(days, target, calendar)
    single = calendar < RANGE_SWITCH
    business = _business_days(horizon)
    two_year = _two_year(rng, _on(days, target, business), _on(days, _ewma(desired, 10), business))
    slope = _slope(
        rng, two_year, _interp_anchors(business, R_STAR), _core_inflation(business, monthly)
    )
    unrate = monthly.unemployment + rng.normal(0.0, U_OBS_SD, len(monthly.months))
    frame = pd.concat(
        [
            _series("DFEDTAR", calendar[single], target_daily[single]),
            _series("DFEDTARU", calendar[~single], target_daily[~single]),
            _series("DFEDTARL", calendar[~single], target_daily[~single] - 0.25),
            _series("DFF", calendar, _effective_rate(rng, calendar, target_daily)),
            _series("DGS2", business, np.round(two_year, 2)),
            _series("DGS10", business, np.round(two_year + slope, 2)),
            _series("BAMLH0A0HYM2", business, _high_yield(rng, days, signals, business)),
            _series("UNRATE", monthly.months, np.round(unrate, 1)),
            _series("CPIAUCSL", monthly.months, monthly.cpi),
            _series("CPILFESL", monthly.months, monthly.core),
        ],
        ignore_index=True,
    )
    for series_id, missing in MISSING_MONTHS.items():
        drop = (frame["series_id"] == series_id) & frame["date"].isin(pd.to_datetime(missing))
        frame = frame[~drop]
    return frame


def _vintages(rng: np.random.Generator, final: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Every vintage of every macro series published by ``end`` (see the module docstring).

    ``final`` holds each observation's final value; the latest vintage published by ``end`` of
    every observation is that value, the earlier ones differ from it by the revisions. ``rng`` is
    a generator of its own, so the other series' draws do not move; its draws cover every
    scheduled vintage whatever ``end``, so only which vintage is the latest depends on it.
    """
    frames = {}
    for series_id, rows in final.groupby("series_id", sort=True):
        series_id, rows = str(series_id), rows.reset_index(drop=True)
        if series_id in ANNUAL_RELEASE:
            frames[series_id] = _revised(rng, series_id, rows, end)
        else:  # daily series: one vintage, on the release day
            known = releases.release_dates(series_id, rows["date"])
            frames[series_id] = rows.assign(realtime_start=known.to_numpy())
    frames[SAHM_RULE_SERIES] = _sahm_rule(frames["UNRATE"])
    out = pd.concat(frames.values(), ignore_index=True)
    out = out[out["realtime_start"] <= end].assign(realtime_kind="vintage")
    return out[MACRO_COLUMNS]


def _schedule(series_id: str, months: pd.PeriodIndex) -> dict[str, np.ndarray]:
    """The scheduled vintages of a monthly series, by observation then day: obs (position in
    ``months``), kind (0 first print, 1 monthly revision, 2 annual) and realtime_start; one a
    day (the lower kind wins)."""
    ordinal = months.asi8  # months since 1970-01
    first_month = ordinal.min()
    span = pd.period_range(months.min(), months.max() + 12 * ANNUAL_YEARS + 1, freq="M")
    released = releases.release_dates(series_id, pd.Series(span.to_timestamp())).to_numpy()
    # the first annual release after each month (the month's own is its first print), then yearly
    annual = ordinal + (ANNUAL_RELEASE[series_id] - 1 - ordinal) % 12
    annual = np.where(annual == ordinal, ordinal + 12, annual)
    steps = [ordinal + step for step in range(MONTHLY_REVISIONS + 1)]
    steps += [annual + 12 * year for year in range(ANNUAL_YEARS)]
    kinds = [0] + [1] * MONTHLY_REVISIONS + [2] * ANNUAL_YEARS
    obs = np.tile(np.arange(len(months)), len(steps))
    kind = np.repeat(kinds, len(months))
    start = released[np.concatenate(steps) - first_month]
    order = np.lexsort((kind, start, obs))
    obs, kind, start = obs[order], kind[order], start[order]
    keep = np.r_[True, (obs[1:] != obs[:-1]) | (start[1:] != start[:-1])]
    return {"obs": obs[keep], "kind": kind[keep], "realtime_start": start[keep]}


def _revised(rng: np.random.Generator, series_id: str, rows: pd.DataFrame, end) -> pd.DataFrame:
    """A monthly series' vintages: a first print, revisions in the next two monthly releases and
    in five annual ones, rounded as published; the latest one out by ``end`` is the final value.
    A revision that leaves the published value unchanged is no vintage (a real-time period runs
    until the value changes)."""
    schedule = _schedule(series_id, pd.DatetimeIndex(rows["date"]).to_period("M"))
    obs, kind, start = schedule["obs"], schedule["kind"], schedule["realtime_start"]
    final = rows["value"].to_numpy(dtype=float)[obs]
    if series_id == "UNRATE":
        chance = np.array(UNRATE_STEP_CHANCE)[kind]
        up, hit = rng.random(len(kind)) < 0.5, rng.random(len(kind)) < chance
        values = np.round(final + np.where(hit, np.where(up, 0.1, -0.1), 0.0), 1)
    else:
        values = np.round(
            final * (1.0 + np.array(CPI_REVISION_SD)[kind] * rng.standard_normal(len(kind))), 3
        )
    out = start <= end.to_datetime64()
    obs, start, values, final = obs[out], start[out], values[out], final[out]
    latest = np.r_[obs[1:] != obs[:-1], True]
    values[latest] = final[latest]
    changed = np.r_[True, (obs[1:] != obs[:-1]) | (values[1:] != values[:-1])]
    return pd.DataFrame(
        {
            "series_id": series_id,
            "date": rows["date"].to_numpy()[obs[changed]],
            "realtime_start": start[changed],
            "value": values[changed],
        }
    )


def _sahm_rule(unrate: pd.DataFrame) -> pd.DataFrame:
    """SAHMREALTIME: for each month, on its Employment Situation's day, the 3-month average of
    the unemployment rate as known that day minus the lowest 3-month average of the 12 months
    before, rounded to 2 decimals as FRED publishes it. A 3-month average needs 2 of its months
    (October 2025 was never published) and none before the data begin."""
    published = pd.DatetimeIndex(unrate["date"]).to_period("M").unique().sort_values()
    ordinal = published.asi8  # months since 1970-01
    first = ordinal.min()
    day = releases.release_dates("UNRATE", pd.Series(published.to_timestamp())).to_numpy()
    lags = np.arange(15)  # the month itself and two more for its average, 12 averages before
    month_of = ordinal[:, None] - lags[None, :]  # [month, lag]
    wanted = pd.DataFrame(
        {
            "cell": np.arange(month_of.size),
            "date": pd.PeriodIndex.from_ordinals(month_of.ravel(), freq="M").to_timestamp(),
            "asof": np.repeat(day, len(lags)),
        }
    ).astype({"date": "datetime64[ns]", "asof": "datetime64[ns]"})
    vintages = unrate[["date", "realtime_start", "value"]].astype(
        {"date": "datetime64[ns]", "realtime_start": "datetime64[ns]"}
    )
    known = pd.merge_asof(
        wanted.sort_values("asof"),
        vintages.sort_values("realtime_start"),
        left_on="asof",
        right_on="realtime_start",
        by="date",
    ).sort_values("cell")
    grid = known["value"].to_numpy(dtype=float).reshape(month_of.shape)  # NaN: not known
    averages = np.full((len(published), 13), np.nan)
    for k in range(13):  # the average of the 3 months ending ``k`` months before
        window = grid[:, k : k + 3]
        ok = (np.isfinite(window).sum(axis=1) >= 2) & (month_of[:, k + 2] >= first)
        sums = np.nansum(window, axis=1)
        averages[ok, k] = sums[ok] / np.isfinite(window[ok]).sum(axis=1)
    valid = np.isfinite(averages).all(axis=1)
    sahm = averages[:, 0] - averages[:, 1:].min(axis=1)
    return pd.DataFrame(
        {
            "series_id": SAHM_RULE_SERIES,
            "date": published.to_timestamp()[valid].astype("datetime64[ns]"),
            "realtime_start": day[valid],
            "value": np.round(sahm[valid], 2),
        }
    )


def _slope(rng: np.random.Generator, two_year, r_star, inflation) -> np.ndarray:
    """10-year minus 2-year: a share of the gap to the long-run rate, plus persistent noise.

    The long-run rate is the neutral real rate + expected inflation (half target, half current
    core inflation) + a term premium.
    """
    expected_inflation = 0.5 * CORE_MEAN + 0.5 * inflation
    long_run = r_star + expected_inflation + TERM_PREMIUM
    low, high = SLOPE_SOFT_BOUNDS
    signal = _soft_floor(SLOPE_WEIGHT * (long_run - two_year), low, 0.2)
    signal = -_soft_floor(-signal, -high, 0.2)  # a soft ceiling
    noise = _ar1(rng.normal(0.0, SLOPE_SD, len(two_year)), SLOPE_AR)
    return np.clip(signal + noise, *SLOPE_BOUNDS)


def _effective_rate(rng: np.random.Generator, calendar, target) -> np.ndarray:
    """DFF: near the single target before the switch, inside the range after; weekends carry."""
    n = len(calendar)
    weekday = calendar.day_of_week < 5
    noise = _ar1(rng.normal(0.0, 1.0, n), 0.5)
    single = calendar < RANGE_SWITCH
    month_end = weekday & ((calendar + pd.offsets.BDay(1)).month != calendar.month)
    pre = target + DFF_PRE_SD * noise + np.where(month_end, rng.uniform(0, 0.3, n), 0.0)
    lower = target - 0.25
    post = lower + DFF_RANGE_OFFSET + DFF_RANGE_SD * noise
    post = np.clip(post, lower + 0.02, target - 0.02)
    rate = np.where(single, np.maximum(pre, 0.02), post)
    carried = pd.Series(np.where(weekday, rate, np.nan)).ffill().bfill().to_numpy()
    return np.round(carried, 2)


def _two_year(rng: np.random.Generator, policy: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Policy rate + anticipated moves + a premium + noise, kept above a soft floor."""
    noise = _ar1(rng.normal(0.0, TWO_YEAR_SD, len(policy)), TWO_YEAR_AR)
    anticipated = TWO_YEAR_ANTICIPATION * (np.maximum(expected, 0.0) - policy)
    return _soft_floor(policy + anticipated + TWO_YEAR_PREMIUM + noise, TWO_YEAR_FLOOR, 0.25)


def _high_yield(rng, days, signals: MarketSignals, business) -> np.ndarray:
    """High-yield OAS: widens with the one-year drawdown and with realized volatility."""
    log_spread = (
        np.log(HY_BASE)
        + HY_DRAWDOWN * signals.drawdown_1y
        + HY_VOL * np.log(signals.realized_vol / HY_CALM_VOL)
    )
    log_spread = _on(days, _ewma(log_spread, 5), business)
    log_spread += _ar1(rng.normal(0.0, HY_SD, len(business)), HY_AR)
    return np.round(np.minimum(_soft_floor(np.exp(log_spread), HY_FLOOR, 0.5), HY_CAP), 2)


# ================================================================================================
# valuations
# ================================================================================================


def _pe_paths(rng: np.random.Generator, market: Market, name: str) -> tuple[np.ndarray, ...]:
    """Daily forward and trailing P/E of one index (see the module docstring)."""
    log_price = market.log_paths[name]
    deviation = log_price - _ewma(log_price, PE_EWMA_HALFLIFE)
    anchor = _interp_anchors(market.days, PE_ANCHORS[name])
    noise = _ar1(rng.normal(0.0, 0.004, len(log_price)), 0.98)
    swing = PE_SWING * np.tanh(PE_PRICE_SENSITIVITY * deviation / PE_SWING)
    forward = anchor * np.exp(swing + noise)
    forward_eps = np.exp(log_price) / forward
    year_ago = np.concatenate([forward_eps[:DAYS_PER_YEAR] * 0.94, forward_eps[:-DAYS_PER_YEAR]])
    drawdown = _running_drawdown(log_price, 2 * DAYS_PER_YEAR)
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


def _valuations(market: Market, pe: dict) -> pd.DataFrame:
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


def _dividend_yield(spec: EtfSpec, forward_pe: np.ndarray) -> np.ndarray:
    """Yield moves inversely with valuation around the ETF's base yield."""
    raw = spec.base_yield * np.median(forward_pe) / forward_pe
    return np.clip(raw, *YIELD_BOUNDS)


# ================================================================================================
# the source
# ================================================================================================


@dataclass
class History:
    """The whole generated history, in the raw contracts (sorted by key)."""

    prices: pd.DataFrame
    etf_shares: pd.DataFrame
    macro: pd.DataFrame
    valuations: pd.DataFrame
    market: Market  # the simulated paths, over the whole horizon (members are built on them)


def _as_timestamp(value) -> pd.Timestamp:
    return pd.Timestamp(value).normalize().tz_localize(None)


def generate_history(seed: int, end: date) -> History:
    """Generate every frame from ORIGIN to ``end`` (simulated to at least DEFAULT_END).

    The simulation always runs to ``max(end, DEFAULT_END)``, so sources that differ only in an
    earlier ``end`` agree on every day they share (except ``adj_close``, anchored at ``end``).
    """
    end_ts = _as_timestamp(end)
    horizon = max(end_ts, pd.Timestamp(DEFAULT_END))
    root = np.random.default_rng(seed)
    streams = dict(zip(STREAMS, root.spawn(len(STREAMS)), strict=True))
    days = trading_days(ORIGIN, horizon.date())
    market = _simulate_market(streams, days)
    pe = {name: _pe_paths(streams["pe"], market, name) for name in ("large", "small")}
    pe["sp600"], pe["equal"] = pe["small"], pe["large"]

    prices = [_index_prices(streams["ohlc"], market, symbol) for symbol in INDEXES]
    shares = []
    inception = reference.instruments().set_index("symbol")["inception_date"]
    for symbol, spec in ETFS.items():
        first = _first_day(days, inception[symbol])
        dividend_yield = _dividend_yield(spec, pe[spec.underlying][0])
        etf = _etf_prices(streams["etf"], market, symbol, spec, first, dividend_yield, end_ts)
        prices.append(etf.frame)
        shares.append(_shares_frame(streams["shares"], symbol, spec, etf))

    def finish(frames: list[pd.DataFrame], columns: list[str], keys: int) -> pd.DataFrame:
        frame = pd.concat(frames, ignore_index=True)[columns]
        frame["date"] = frame["date"].astype("datetime64[ns]")
        frame = frame[frame["date"] <= end_ts]
        return frame.sort_values(columns[:keys], kind="stable").reset_index(drop=True)

    macro = _vintages(root.spawn(1)[0], _macro(streams["macro"], market, horizon), end_ts)
    return History(
        prices=finish(prices, PRICE_COLUMNS, keys=2),
        etf_shares=finish(shares, SHARES_COLUMNS, keys=2),
        macro=finish([macro], MACRO_COLUMNS, keys=3),
        valuations=finish([_valuations(market, pe)], VALUATION_COLUMNS, keys=3),
        market=market,
    )


class SampleSource:
    """A deterministic synthetic market (``source = 'sample'``); see the module docstring.

    ``SampleSource(seed, end, members)`` always yields the same frames. The history is generated
    once per instance, on first use, and every request is a slice of it; so are the ``members``
    (per index) of ^GSPC and ^RUT (``sample_members``), generated on the first request that
    needs them.
    """

    name = "sample"
    concurrency = 1  # one key at a time: every request is a slice of the generated history
    skip_current = True  # a member loaded as far as it is needed is not fetched again

    def __init__(
        self, seed: int = DEFAULT_SEED, end: date = DEFAULT_END, members: int = DEFAULT_MEMBERS
    ) -> None:
        self.seed = int(seed)
        self.end = _as_timestamp(end).date()
        self.members_per_index = int(members)
        if self.end < ORIGIN:
            raise ValueError(f"sample end {self.end} is before the sample origin {ORIGIN}")
        if self.members_per_index < 1:
            raise ValueError(f"sample members per index must be at least 1, not {members}")

    @cached_property
    def history(self) -> History:
        return generate_history(self.seed, self.end)

    @cached_property
    def members(self) -> dict[str, IndexMembers]:
        """The members of each index, over the whole simulated horizon."""
        market = self.history.market
        return generate_members(
            self.seed,
            self.members_per_index,
            market.days,
            {symbol: np.round(market.level(name), 2) for symbol, name in INDEXES.items()},
            {symbol: market.vol[name] for symbol, name in INDEXES.items()},
        )

    @cached_property
    def member_symbols(self) -> set[str]:
        """The symbols of every index's members."""
        return {s for members in self.members.values() for s in members.symbols}

    def funds(self) -> list[str]:
        """The indexes whose members (``constituents``) the sample has: ^GSPC and ^RUT."""
        return [s for s in reference.symbols(kind="index") if s in INDEXES]

    def prices(self, symbols: list[str], start: date, end: date) -> pd.DataFrame:
        """symbol, date, open, high, low, close, adj_close (NaN for indices), volume.

        Instruments of the seed and members of the indexes (``L0001``, ``S0001``, ...).
        """
        requested = [symbols] if isinstance(symbols, str) else list(symbols)
        instruments = set(reference.symbols())
        others = [s for s in requested if s not in instruments]
        if not others:
            return _slice(self.history.prices, "symbol", requested, start, end)
        _check(others, self.member_symbols, "symbol")
        last = min(_as_timestamp(end), pd.Timestamp(self.end))
        frames = []  # a daily load asks for one member at a time: no slicing, concat, sort
        if len(others) < len(requested):
            frames.append(_slice(self.history.prices, "symbol", requested, start, end))
        for members in self.members.values():
            mine = [s for s in others if s in members.position]
            if mine:
                frames.append(members.prices(mine, _as_timestamp(start), last))
        if len(frames) == 1:
            return frames[0]  # by symbol, then date
        out = pd.concat(frames, ignore_index=True)
        return out.sort_values(["symbol", "date"], kind="stable").reset_index(drop=True)

    def constituents(self, funds: list[str], start: date, end: date) -> pd.DataFrame:
        """fund, date, symbol, name, sector, weight, shares: the indexes' month-end members."""
        wanted = _check(funds, self.funds(), "fund")
        last = min(_as_timestamp(end), pd.Timestamp(self.end))
        frames = [self.members[f].holdings(_as_timestamp(start), last) for f in wanted]
        out = pd.concat(frames, ignore_index=True)
        return out.sort_values(["fund", "date", "symbol"], kind="stable").reset_index(drop=True)

    def etf_shares(self, symbols: list[str], start: date, end: date) -> pd.DataFrame:
        """symbol, date, shares_outstanding, nav, total_net_assets (indices have no rows)."""
        wanted = _check(symbols, reference.symbols(), "symbol")
        return _slice(self.history.etf_shares, "symbol", wanted, start, end)

    def macro(self, series_ids: list[str], start: date, end: date) -> pd.DataFrame:
        """series_id, date, realtime_start, value, realtime_kind ('vintage'): every vintage
        published by the sample's end of the observations dated ``start``-``end`` (missing
        observations are absent)."""
        wanted = _check(series_ids, reference.series_ids(), "series")
        return _slice(self.history.macro, "series_id", wanted, start, end)

    def valuations(self, symbols: list[str], start: date, end: date) -> pd.DataFrame:
        """symbol, date, metric (forward_pe, trailing_pe), value: ^GSPC and ^RUT, month-ends."""
        wanted = _check(symbols, reference.symbols(), "symbol")
        return _slice(self.history.valuations, "symbol", wanted, start, end)


def _check(requested: list[str], known: list[str], what: str) -> list[str]:
    requested = [requested] if isinstance(requested, str) else list(requested)
    unknown = sorted(set(requested) - set(known))
    if unknown:
        names = sorted(known)
        listed = f"{names}" if len(names) <= 30 else f"{names[:10]} ... ({len(names)} in all)"
        raise ValueError(f"sample source: unknown {what}(s) {unknown[:10]}; known: {listed}")
    return requested


def _slice(frame: pd.DataFrame, key: str, wanted: list[str], start, end) -> pd.DataFrame:
    first, last = _as_timestamp(start), _as_timestamp(end)
    mask = frame[key].isin(wanted) & (frame["date"] >= first) & (frame["date"] <= last)
    return frame.loc[mask].reset_index(drop=True)
