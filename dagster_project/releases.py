"""When each macro observation was first published, by the project's release calendar.

Used for observations whose source gives no vintages (FRED's graph CSV, a plain FRED CSV in the
files source) and by the sample source to date its simulated vintages: each observation is known
from the release date of its release (the seed's ``release`` column), never earlier. The rules,
checked against real release dates in tests/test_releases.py:

- ``fomc``: a target is known on its own date (FRED dates a change on the day it takes effect,
  announced at or before it).
- ``next_business_day``: the next US federal business day after the observation date (the Fed's
  H.15 and ICE's index values come out the next business day; Columbus Day and Veterans Day are
  holidays here although stocks trade).
- ``employment_situation``: BLS's rule for the Employment Situation of month M is the third
  Friday after the reference week (Sunday-Saturday, containing the 12th of M). In the real dates
  it holds for every month but two kinds: when that Friday is January 1-3 the release is a week
  later (December 2013, 2014, 2019, 2020, 2024 data ...), and when it is a federal holiday (July
  3 or 4) the release is the business day before. Shutdowns are in ``EMPLOYMENT_EXCEPTIONS``.
  (A "second Friday when the month has five weeks" rule does not fit any real date we checked.)
- ``cpi``: BLS publishes no rule for the CPI and the real dates move around (10th-15th of M+1
  since 2017; 14th-26th before, January's data latest). The rule is conservative, never earlier
  than a real date in the test list: the first business day on or after the 15th of M+1 from
  reference month 2017-01 on; before that the 24th (January's data: February 26th). Largest
  lateness against the test list: 6 days from 2017 on (February 10, 2021 -> the 16th, the 15th
  being Presidents' Day), 13 days before (August 13, 1996 -> the 26th). Shutdowns are in
  ``CPI_EXCEPTIONS``.

A month BLS never published (October 2025: no household survey, no CPI) is dated by the release
that came instead (November's), so nothing about it is known earlier.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

from dagster_project import reference

# reference month -> the day BLS actually published it, where the rule does not give it
EMPLOYMENT_EXCEPTIONS = {
    "1995-12": "1996-01-19",  # 1995-96 shutdown (scheduled January 5)
    "2013-09": "2013-10-22",  # October 2013 shutdown
    "2013-10": "2013-11-08",
    "2025-09": "2025-11-20",  # 2025 shutdown
    "2025-10": "2025-12-16",  # household data never published; payrolls with November's
    "2025-11": "2025-12-16",
    "2026-01": "2026-02-11",  # partial shutdown of January 31 - February 3, 2026
}
CPI_EXCEPTIONS = {
    "1995-12": "1996-02-01",  # 1995-96 shutdown
    "2013-09": "2013-10-30",  # October 2013 shutdown
    "2013-10": "2013-11-20",
    "2025-09": "2025-10-24",  # 2025 shutdown: published for Social Security's COLA
    "2025-10": "2025-12-18",  # never published; what there was came with November's
    "2025-11": "2025-12-18",
    "2026-01": "2026-02-13",  # partial shutdown of January 31 - February 3, 2026
}
CPI_EARLY_FROM = pd.Period("2017-01", "M")  # reference months from here: by the 15th of M+1
CPI_DAY, CPI_DAY_BEFORE, CPI_JANUARY_DAY_BEFORE = 15, 24, 26


@cache
def _calendar() -> np.busdaycalendar:
    """US federal business days: weekdays that are not federal holidays."""
    holidays = USFederalHolidayCalendar().holidays("1900-01-01", "2200-12-31")
    return np.busdaycalendar(holidays=holidays.to_numpy(dtype="datetime64[D]"))


def _shift(days: pd.DatetimeIndex, offset: int, roll: str) -> pd.DatetimeIndex:
    moved = np.busday_offset(
        days.to_numpy(dtype="datetime64[D]"), offset, roll=roll, busdaycal=_calendar()
    )
    return pd.DatetimeIndex(moved.astype("datetime64[ns]"))


def _next_business_day(days: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The first federal business day after each day."""
    return _shift(days, 1, "backward")


def _on_or_after(days: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Each day if a federal business day, else the next one."""
    return _shift(days, 0, "forward")


def _on_or_before(days: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Each day if a federal business day, else the one before."""
    return _shift(days, 0, "backward")


def _with_exceptions(months: pd.PeriodIndex, dates: pd.DatetimeIndex, table) -> np.ndarray:
    out = dates.to_numpy(dtype="datetime64[ns]").copy()
    for month, day in table.items():
        out[months == pd.Period(month, "M")] = np.datetime64(day, "ns")
    return out


def employment_situation(months: pd.PeriodIndex) -> np.ndarray:
    """The Employment Situation's release day for each reference month."""
    twelfth = months.to_timestamp() + pd.Timedelta(days=11)
    # the reference week ends on the Saturday on or after the 12th (weekday 5)
    saturday = twelfth + pd.to_timedelta((5 - twelfth.day_of_week) % 7, unit="D")
    friday = saturday + pd.Timedelta(days=20)  # the third Friday after it
    too_early = (friday.month == 1) & (friday.day <= 3)
    friday = friday + pd.to_timedelta(np.where(too_early, 7, 0), unit="D")
    return _with_exceptions(months, _on_or_before(friday), EMPLOYMENT_EXCEPTIONS)


def cpi(months: pd.PeriodIndex) -> np.ndarray:
    """The CPI's release day for each reference month (conservative; see the module doc)."""
    day = np.where(
        months >= CPI_EARLY_FROM,
        CPI_DAY,
        np.where(months.month == 1, CPI_JANUARY_DAY_BEFORE, CPI_DAY_BEFORE),
    )
    target = (months + 1).to_timestamp() + pd.to_timedelta(day - 1, unit="D")
    return _with_exceptions(months, _on_or_after(pd.DatetimeIndex(target)), CPI_EXCEPTIONS)


def _by_rule(release: str, days: pd.DatetimeIndex) -> np.ndarray:
    if release == "fomc":
        return days.to_numpy(dtype="datetime64[ns]")
    if release == "next_business_day":
        return _next_business_day(days).to_numpy(dtype="datetime64[ns]")
    months = days.to_period("M")
    if release == "employment_situation":
        return employment_situation(months)
    if release == "cpi":
        return cpi(months)
    raise ValueError(f"unknown release {release!r}")


@cache
def _releases() -> dict[str, str]:
    """series_id -> release, from the seed."""
    return dict(reference.macro_series()[["series_id", "release"]].itertuples(index=False))


def release_dates(series_id: str, dates: pd.Series) -> pd.Series:
    """The day each observation of ``series_id`` dated ``dates`` was (or will be) published, as
    datetime64 values aligned with ``dates``."""
    release = _releases().get(series_id)
    if release is None:
        raise ValueError(f"release calendar: unknown series {series_id!r} (not in the seed)")
    dates = pd.Series(dates)
    days = pd.DatetimeIndex(pd.to_datetime(dates.to_numpy())).normalize().astype("datetime64[ns]")
    try:
        known = _by_rule(release, days)
    except ValueError as error:
        raise ValueError(f"release calendar: series {series_id}: {error}") from None
    return pd.Series(known, index=dates.index, name="release_date")
