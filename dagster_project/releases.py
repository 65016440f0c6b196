"""When each macro observation was first published, by the project's release calendar.

Used for observations whose source gives no vintages (FRED's graph CSV, a plain FRED CSV in the
files source) and by the sample source to date its simulated vintages: each observation is known
from the release date of its release (the seed's ``release`` column), never earlier. The rules,
checked against real release dates in tests/sources/test_releases.py:

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
- ``cpi``: BLS publishes no rule for the CPI; its release days (10th-15th of M+1 since 2017,
  13th-26th before) are in ``CPI_SCHEDULE``, BLS's own dates for reference months 2004-01 to
  2026-08 (sources there). Shutdowns are in ``CPI_EXCEPTIONS``, which come first. Months outside
  the table get a conservative rule (``cpi_rule``), never earlier than a real date in the test
  list: the first business day on or after the 15th of M+1 from reference month 2017-01 on;
  before that the 24th (January's data: February 26th). It is up to 6 days late from 2017 on, 13
  before (August 13, 1996 -> the 26th).

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
# reference month -> the day BLS published its CPI, reference months 2004-01 to 2026-08, generated
# from BLS's list of archived CPI news releases (bls.gov/bls/news-release/cpi.htm) as kept in a
# public repository's XAU/USD dataset builder (CPI_DATES, "source: bls.gov/bls/news-release/cpi.htm,
# fetched 2026-09-27"); each release is for the month before it, November 2025's (December 18)
# excepted, October 2025's never having come. The months in CPI_EXCEPTIONS are here too, as listed.
CPI_SCHEDULE = {
    # 2004-2006: that list alone; its dates match the releases' own copies where we found them
    # (tests/sources/test_releases.py, CPI_2004_2006).
    "2004-01": "2004-02-20", "2004-02": "2004-03-17", "2004-03": "2004-04-14",
    "2004-04": "2004-05-14", "2004-05": "2004-06-15", "2004-06": "2004-07-16",
    "2004-07": "2004-08-17", "2004-08": "2004-09-16", "2004-09": "2004-10-19",
    "2004-10": "2004-11-17", "2004-11": "2004-12-17", "2004-12": "2005-01-19",
    "2005-01": "2005-02-23", "2005-02": "2005-03-23", "2005-03": "2005-04-20",
    "2005-04": "2005-05-18", "2005-05": "2005-06-15", "2005-06": "2005-07-14",
    "2005-07": "2005-08-16", "2005-08": "2005-09-15", "2005-09": "2005-10-14",
    "2005-10": "2005-11-16", "2005-11": "2005-12-15", "2005-12": "2006-01-18",
    "2006-01": "2006-02-22", "2006-02": "2006-03-16", "2006-03": "2006-04-19",
    "2006-04": "2006-05-17", "2006-05": "2006-06-14", "2006-06": "2006-07-19",
    "2006-07": "2006-08-16", "2006-08": "2006-09-15", "2006-09": "2006-10-18",
    "2006-10": "2006-11-16", "2006-11": "2006-12-15", "2006-12": "2007-01-18",
    # 2007 on: that list and another public repository's FRED release-dates list (release 10,
    # "Consumer Price Index", 2007-2026; seasonal-factor revision days dropped) agree day for day.
    "2007-01": "2007-02-21", "2007-02": "2007-03-16", "2007-03": "2007-04-17",
    "2007-04": "2007-05-15", "2007-05": "2007-06-15", "2007-06": "2007-07-18",
    "2007-07": "2007-08-15", "2007-08": "2007-09-19", "2007-09": "2007-10-17",
    "2007-10": "2007-11-15", "2007-11": "2007-12-14", "2007-12": "2008-01-16",
    "2008-01": "2008-02-20", "2008-02": "2008-03-14", "2008-03": "2008-04-16",
    "2008-04": "2008-05-14", "2008-05": "2008-06-13", "2008-06": "2008-07-16",
    "2008-07": "2008-08-14", "2008-08": "2008-09-16", "2008-09": "2008-10-16",
    "2008-10": "2008-11-19", "2008-11": "2008-12-16", "2008-12": "2009-01-16",
    "2009-01": "2009-02-20", "2009-02": "2009-03-18", "2009-03": "2009-04-15",
    "2009-04": "2009-05-15", "2009-05": "2009-06-17", "2009-06": "2009-07-15",
    "2009-07": "2009-08-14", "2009-08": "2009-09-16", "2009-09": "2009-10-15",
    "2009-10": "2009-11-18", "2009-11": "2009-12-16", "2009-12": "2010-01-15",
    "2010-01": "2010-02-19", "2010-02": "2010-03-18", "2010-03": "2010-04-14",
    "2010-04": "2010-05-19", "2010-05": "2010-06-17", "2010-06": "2010-07-16",
    "2010-07": "2010-08-13", "2010-08": "2010-09-17", "2010-09": "2010-10-15",
    "2010-10": "2010-11-17", "2010-11": "2010-12-15", "2010-12": "2011-01-14",
    "2011-01": "2011-02-17", "2011-02": "2011-03-17", "2011-03": "2011-04-15",
    "2011-04": "2011-05-13", "2011-05": "2011-06-15", "2011-06": "2011-07-15",
    "2011-07": "2011-08-18", "2011-08": "2011-09-15", "2011-09": "2011-10-19",
    "2011-10": "2011-11-16", "2011-11": "2011-12-16", "2011-12": "2012-01-19",
    "2012-01": "2012-02-17", "2012-02": "2012-03-16", "2012-03": "2012-04-13",
    "2012-04": "2012-05-15", "2012-05": "2012-06-14", "2012-06": "2012-07-17",
    "2012-07": "2012-08-15", "2012-08": "2012-09-14", "2012-09": "2012-10-16",
    "2012-10": "2012-11-15", "2012-11": "2012-12-14", "2012-12": "2013-01-16",
    "2013-01": "2013-02-21", "2013-02": "2013-03-15", "2013-03": "2013-04-16",
    "2013-04": "2013-05-16", "2013-05": "2013-06-18", "2013-06": "2013-07-16",
    "2013-07": "2013-08-15", "2013-08": "2013-09-17", "2013-09": "2013-10-30",
    "2013-10": "2013-11-20", "2013-11": "2013-12-17", "2013-12": "2014-01-16",
    "2014-01": "2014-02-20", "2014-02": "2014-03-18", "2014-03": "2014-04-15",
    "2014-04": "2014-05-15", "2014-05": "2014-06-17", "2014-06": "2014-07-22",
    "2014-07": "2014-08-19", "2014-08": "2014-09-17", "2014-09": "2014-10-22",
    "2014-10": "2014-11-20", "2014-11": "2014-12-17", "2014-12": "2015-01-16",
    "2015-01": "2015-02-26", "2015-02": "2015-03-24", "2015-03": "2015-04-17",
    "2015-04": "2015-05-22", "2015-05": "2015-06-18", "2015-06": "2015-07-17",
    "2015-07": "2015-08-19", "2015-08": "2015-09-16", "2015-09": "2015-10-15",
    "2015-10": "2015-11-17", "2015-11": "2015-12-15", "2015-12": "2016-01-20",
    "2016-01": "2016-02-19", "2016-02": "2016-03-16", "2016-03": "2016-04-14",
    "2016-04": "2016-05-17", "2016-05": "2016-06-16", "2016-06": "2016-07-15",
    "2016-07": "2016-08-16", "2016-08": "2016-09-16", "2016-09": "2016-10-18",
    "2016-10": "2016-11-17", "2016-11": "2016-12-15", "2016-12": "2017-01-18",
    "2017-01": "2017-02-15", "2017-02": "2017-03-15", "2017-03": "2017-04-14",
    "2017-04": "2017-05-12", "2017-05": "2017-06-14", "2017-06": "2017-07-14",
    "2017-07": "2017-08-11", "2017-08": "2017-09-14", "2017-09": "2017-10-13",
    "2017-10": "2017-11-15", "2017-11": "2017-12-13", "2017-12": "2018-01-12",
    "2018-01": "2018-02-14", "2018-02": "2018-03-13", "2018-03": "2018-04-11",
    "2018-04": "2018-05-10", "2018-05": "2018-06-12", "2018-06": "2018-07-12",
    "2018-07": "2018-08-10", "2018-08": "2018-09-13", "2018-09": "2018-10-11",
    "2018-10": "2018-11-14", "2018-11": "2018-12-12", "2018-12": "2019-01-11",
    "2019-01": "2019-02-13", "2019-02": "2019-03-12", "2019-03": "2019-04-10",
    "2019-04": "2019-05-10", "2019-05": "2019-06-12", "2019-06": "2019-07-11",
    "2019-07": "2019-08-13", "2019-08": "2019-09-12", "2019-09": "2019-10-10",
    "2019-10": "2019-11-13", "2019-11": "2019-12-11", "2019-12": "2020-01-14",
    "2020-01": "2020-02-13", "2020-02": "2020-03-11", "2020-03": "2020-04-10",
    "2020-04": "2020-05-12", "2020-05": "2020-06-10", "2020-06": "2020-07-14",
    "2020-07": "2020-08-12", "2020-08": "2020-09-11", "2020-09": "2020-10-13",
    "2020-10": "2020-11-12", "2020-11": "2020-12-10", "2020-12": "2021-01-13",
    "2021-01": "2021-02-10", "2021-02": "2021-03-10", "2021-03": "2021-04-13",
    "2021-04": "2021-05-12", "2021-05": "2021-06-10", "2021-06": "2021-07-13",
    "2021-07": "2021-08-11", "2021-08": "2021-09-14", "2021-09": "2021-10-13",
    "2021-10": "2021-11-10", "2021-11": "2021-12-10", "2021-12": "2022-01-12",
    "2022-01": "2022-02-10", "2022-02": "2022-03-10", "2022-03": "2022-04-12",
    "2022-04": "2022-05-11", "2022-05": "2022-06-10", "2022-06": "2022-07-13",
    "2022-07": "2022-08-10", "2022-08": "2022-09-13", "2022-09": "2022-10-13",
    "2022-10": "2022-11-10", "2022-11": "2022-12-13", "2022-12": "2023-01-12",
    "2023-01": "2023-02-14", "2023-02": "2023-03-14", "2023-03": "2023-04-12",
    "2023-04": "2023-05-10", "2023-05": "2023-06-13", "2023-06": "2023-07-12",
    "2023-07": "2023-08-10", "2023-08": "2023-09-13", "2023-09": "2023-10-12",
    "2023-10": "2023-11-14", "2023-11": "2023-12-12", "2023-12": "2024-01-11",
    "2024-01": "2024-02-13", "2024-02": "2024-03-12", "2024-03": "2024-04-10",
    "2024-04": "2024-05-15", "2024-05": "2024-06-12", "2024-06": "2024-07-11",
    "2024-07": "2024-08-14", "2024-08": "2024-09-11", "2024-09": "2024-10-10",
    "2024-10": "2024-11-13", "2024-11": "2024-12-11", "2024-12": "2025-01-15",
    "2025-01": "2025-02-12", "2025-02": "2025-03-12", "2025-03": "2025-04-10",
    "2025-04": "2025-05-13", "2025-05": "2025-06-11", "2025-06": "2025-07-15",
    "2025-07": "2025-08-12", "2025-08": "2025-09-11", "2025-09": "2025-10-24",
    "2025-11": "2025-12-18", "2025-12": "2026-01-13",
    "2026-01": "2026-02-13", "2026-02": "2026-03-11", "2026-03": "2026-04-10",
    "2026-04": "2026-05-12", "2026-05": "2026-06-10", "2026-06": "2026-07-14",
    "2026-07": "2026-08-12", "2026-08": "2026-09-11",
}  # fmt: skip
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


def _with_exceptions(months: pd.PeriodIndex, dates, table) -> np.ndarray:
    """``dates``, with the day in ``table`` (reference month -> day) for the months it holds."""
    out = np.asarray(dates, dtype="datetime64[ns]").copy()
    keys = pd.PeriodIndex(list(table), freq="M")
    days = pd.DatetimeIndex(list(table.values())).to_numpy(dtype="datetime64[ns]")
    at = keys.get_indexer(months)
    out[at >= 0] = days[at[at >= 0]]
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


def cpi_rule(months: pd.PeriodIndex) -> np.ndarray:
    """The conservative rule alone (see the module doc): for months outside ``CPI_SCHEDULE``."""
    day = np.where(
        months >= CPI_EARLY_FROM,
        CPI_DAY,
        np.where(months.month == 1, CPI_JANUARY_DAY_BEFORE, CPI_DAY_BEFORE),
    )
    target = (months + 1).to_timestamp() + pd.to_timedelta(day - 1, unit="D")
    return _on_or_after(pd.DatetimeIndex(target)).to_numpy(dtype="datetime64[ns]")


def cpi(months: pd.PeriodIndex) -> np.ndarray:
    """The CPI's release day for each reference month: a shutdown's day, else BLS's schedule, else
    the conservative rule."""
    scheduled = _with_exceptions(months, cpi_rule(months), CPI_SCHEDULE)
    return _with_exceptions(months, scheduled, CPI_EXCEPTIONS)


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
