"""The sample's macro series, each observation's final value (``vintages.py`` dates them).

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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

from dagster_project.sources.sample.common import (
    DAYS_PER_YEAR,
    ORIGIN,
    ar1,
    ewma,
    interp_anchors,
    running_drawdown,
    soft_floor,
)
from dagster_project.sources.sample.market import Market

RANGE_SWITCH = pd.Timestamp("2008-12-16")  # FRED: single target to 12-15, a range from 12-16
MISSING_MONTHS = {"UNRATE": ("2025-10-01",)}  # never published (government shutdown)

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
        drawdown_1y=running_drawdown(large, DAYS_PER_YEAR),
        drawdown_2y=running_drawdown(large, 2 * DAYS_PER_YEAR),
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
    energy_gap = ar1(rng.normal(0.0, ENERGY_SD, n), ENERGY_AR)
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
    natural = interp_anchors(months, U_NATURAL)
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
    slack = _known(days, monthly, u_smooth) - interp_anchors(days, U_NATURAL)
    stress = np.maximum(signals.drawdown_1y - STRESS_FREE_DRAWDOWN, 0.0)
    desired = (
        interp_anchors(days, R_STAR)
        + inflation
        + TAYLOR_INFLATION * (inflation - 2.0)
        - TAYLOR_SLACK * slack
        - TAYLOR_STRESS * stress
    )
    return np.minimum(desired, POLICY_CEILING)


def simulate_macro(rng: np.random.Generator, market: Market, horizon: pd.Timestamp) -> pd.DataFrame:
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
    two_year = _two_year(rng, _on(days, target, business), _on(days, ewma(desired, 10), business))
    slope = _slope(
        rng, two_year, interp_anchors(business, R_STAR), _core_inflation(business, monthly)
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


def _slope(rng: np.random.Generator, two_year, r_star, inflation) -> np.ndarray:
    """10-year minus 2-year: a share of the gap to the long-run rate, plus persistent noise.

    The long-run rate is the neutral real rate + expected inflation (half target, half current
    core inflation) + a term premium.
    """
    expected_inflation = 0.5 * CORE_MEAN + 0.5 * inflation
    long_run = r_star + expected_inflation + TERM_PREMIUM
    low, high = SLOPE_SOFT_BOUNDS
    signal = soft_floor(SLOPE_WEIGHT * (long_run - two_year), low, 0.2)
    signal = -soft_floor(-signal, -high, 0.2)  # a soft ceiling
    noise = ar1(rng.normal(0.0, SLOPE_SD, len(two_year)), SLOPE_AR)
    return np.clip(signal + noise, *SLOPE_BOUNDS)


def _effective_rate(rng: np.random.Generator, calendar, target) -> np.ndarray:
    """DFF: near the single target before the switch, inside the range after; weekends carry."""
    n = len(calendar)
    weekday = calendar.day_of_week < 5
    noise = ar1(rng.normal(0.0, 1.0, n), 0.5)
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
    noise = ar1(rng.normal(0.0, TWO_YEAR_SD, len(policy)), TWO_YEAR_AR)
    anticipated = TWO_YEAR_ANTICIPATION * (np.maximum(expected, 0.0) - policy)
    return soft_floor(policy + anticipated + TWO_YEAR_PREMIUM + noise, TWO_YEAR_FLOOR, 0.25)


def _high_yield(rng, days, signals: MarketSignals, business) -> np.ndarray:
    """High-yield OAS: widens with the one-year drawdown and with realized volatility."""
    log_spread = (
        np.log(HY_BASE)
        + HY_DRAWDOWN * signals.drawdown_1y
        + HY_VOL * np.log(signals.realized_vol / HY_CALM_VOL)
    )
    log_spread = _on(days, ewma(log_spread, 5), business)
    log_spread += ar1(rng.normal(0.0, HY_SD, len(business)), HY_AR)
    return np.round(np.minimum(soft_floor(np.exp(log_spread), HY_FLOOR, 0.5), HY_CAP), 2)
