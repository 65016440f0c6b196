"""What every part of the sample shares: its clock, the raw contracts' columns and small
numerical helpers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

ORIGIN = date(1995, 1, 1)
DEFAULT_SEED = 42
DEFAULT_END = date(2026, 6, 30)
DAYS_PER_YEAR = 252
Z_CLIP = 8.0  # Student-t innovations are clipped at 8 standard deviations

PRICE_COLUMNS = ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume"]
SHARES_COLUMNS = ["symbol", "date", "shares_outstanding", "nav", "total_net_assets"]
MACRO_COLUMNS = ["series_id", "date", "realtime_start", "value", "realtime_kind"]
VALUATION_COLUMNS = ["symbol", "date", "metric", "value"]


def student_t(rng: np.random.Generator, dof: float, n: int) -> np.ndarray:
    """Student-t draws scaled to unit variance and clipped at Z_CLIP."""
    z = rng.standard_t(dof, n) * np.sqrt((dof - 2.0) / dof)
    return np.clip(z, -Z_CLIP, Z_CLIP)


def ar1(shocks: np.ndarray, phi: float, start: float = 0.0) -> np.ndarray:
    """x_t = phi * x_{t-1} + shock_t."""
    out = np.empty(len(shocks))
    x = start
    for t, e in enumerate(shocks.tolist()):
        x = phi * x + e
        out[t] = x
    return out


def ou(shocks: np.ndarray, reversion_per_year: float) -> np.ndarray:
    """A discretized Ornstein-Uhlenbeck process on trading days, started at zero."""
    return ar1(shocks, 1.0 - reversion_per_year / DAYS_PER_YEAR)


def interp_anchors(days: pd.DatetimeIndex, anchors, log: bool = False) -> np.ndarray:
    """Piecewise-linear interpolation of (date, value) anchors over ``days`` (flat outside)."""
    xs = pd.DatetimeIndex([pd.Timestamp(d) for d, _ in anchors]).as_unit("ns").asi8
    ys = np.array([v for _, v in anchors], dtype=float)
    grid = pd.DatetimeIndex(days).as_unit("ns").asi8
    if log:
        return np.exp(np.interp(grid, xs, np.log(ys)))
    return np.interp(grid, xs, ys)


def alternating_segments(
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


def running_drawdown(log_level: np.ndarray, window: int) -> np.ndarray:
    """Fractional drawdown (>= 0) from the highest level of the trailing ``window`` days."""
    peak = pd.Series(log_level).rolling(window, min_periods=1).max().to_numpy()
    return 1.0 - np.exp(log_level - peak)


def soft_floor(x: np.ndarray, floor: float, softness: float) -> np.ndarray:
    """A smooth max(x, floor) (softplus): x well above the floor is left as it is."""
    return floor + softness * np.logaddexp(0.0, (x - floor) / softness)


def ewma(values: np.ndarray, halflife: float) -> np.ndarray:
    return pd.Series(values).ewm(halflife=halflife, adjust=False).mean().to_numpy()


def as_timestamp(value) -> pd.Timestamp:
    return pd.Timestamp(value).normalize().tz_localize(None)
