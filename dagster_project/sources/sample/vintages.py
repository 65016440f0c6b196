"""The vintages of the sample's macro series: when each value was published, and revised.

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
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project import releases
from dagster_project.sources.sample.common import MACRO_COLUMNS

MONTHLY_REVISIONS = 2  # a monthly value is revised in the next two monthly releases
ANNUAL_YEARS = 5  # ... and in the annual revisions of seasonal factors of the next five years
ANNUAL_RELEASE = {"UNRATE": 12, "CPIAUCSL": 1, "CPILFESL": 1}  # the release of this month's
# data revises the 60 months before it: December's (out in January) for the unemployment rate,
# January's (out in February) for the CPI
# by kind of vintage: first print, monthly revision, annual revision
UNRATE_STEP_CHANCE = (0.3, 0.15, 0.1)  # the chance of a 0.1-point move from the final value
CPI_REVISION_SD = (2e-4, 1.5e-4, 1e-4)  # relative to the level
SAHM_RULE_SERIES = "SAHMREALTIME"  # from the unemployment rate as known on each release day


def macro_vintages(
    rng: np.random.Generator, final: pd.DataFrame, end: pd.Timestamp
) -> pd.DataFrame:
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
