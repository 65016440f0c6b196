"""The US equity (NYSE) trading calendar: weekdays less full-day market closures.

Built on pandas' holiday machinery. The rules are the NYSE's, not the federal government's:

- New Year's Day: a Sunday holiday closes Monday; a Saturday New Year's Day is *not* observed
  on the Friday before (that Friday ends the year's accounting period; e.g. 2021-12-31 traded).
- Martin Luther King Jr. Day from 1998 (the NYSE did not close for it before), Presidents' Day,
  Good Friday, Memorial Day, Juneteenth from 2022 (the NYSE first closed on 2022-06-20),
  Independence Day, Labor Day, Thanksgiving and Christmas: a Saturday holiday closes the Friday
  before, a Sunday holiday the Monday after.
- Columbus Day and Veterans Day are bank (and bond market) holidays, but stocks trade.
- Unscheduled closures: 9/11 (2001-09-11..14), the national days of mourning for presidents
  Reagan (2004-06-11), Ford (2007-01-02), G. H. W. Bush (2018-12-05) and Carter (2025-01-09),
  and Hurricane Sandy (2012-10-29, 2012-10-30).

Early closes (half days) are trading days and need no rule here.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import pandas as pd
from pandas.tseries.holiday import (
    MO,
    AbstractHolidayCalendar,
    DateOffset,
    GoodFriday,
    Holiday,
    USLaborDay,
    USMemorialDay,
    USPresidentsDay,
    USThanksgivingDay,
    nearest_workday,
    sunday_to_monday,
)

SPECIAL_CLOSURES: tuple[str, ...] = (
    "2001-09-11",  # September 11 attacks: closed four days
    "2001-09-12",
    "2001-09-13",
    "2001-09-14",
    "2004-06-11",  # national day of mourning, Ronald Reagan
    "2007-01-02",  # national day of mourning, Gerald Ford
    "2012-10-29",  # Hurricane Sandy
    "2012-10-30",
    "2018-12-05",  # national day of mourning, George H. W. Bush
    "2025-01-09",  # national day of mourning, Jimmy Carter
)

# The calendar is computed once for this span and sliced for every request.
CALENDAR_FIRST_YEAR = 1970
CALENDAR_LAST_YEAR = 2100


class NYSEHolidayCalendar(AbstractHolidayCalendar):
    """Scheduled full-day NYSE holidays (observed dates)."""

    rules = [
        Holiday("New Year's Day", month=1, day=1, observance=sunday_to_monday),
        Holiday(
            "Martin Luther King Jr. Day",
            month=1,
            day=1,
            start_date="1998-01-01",
            offset=DateOffset(weekday=MO(3)),
        ),
        USPresidentsDay,
        GoodFriday,
        USMemorialDay,
        Holiday(
            "Juneteenth National Independence Day",
            month=6,
            day=19,
            start_date="2022-01-01",
            observance=nearest_workday,
        ),
        Holiday("Independence Day", month=7, day=4, observance=nearest_workday),
        USLaborDay,
        USThanksgivingDay,
        Holiday("Christmas Day", month=12, day=25, observance=nearest_workday),
    ]


@cache
def _closures() -> pd.DatetimeIndex:
    """Every weekday the market is closed, from CALENDAR_FIRST_YEAR to CALENDAR_LAST_YEAR."""
    scheduled = NYSEHolidayCalendar().holidays(
        start=f"{CALENDAR_FIRST_YEAR}-01-01", end=f"{CALENDAR_LAST_YEAR}-12-31"
    )
    special = pd.DatetimeIndex(pd.to_datetime(list(SPECIAL_CLOSURES)))
    closed = scheduled.union(special)
    return closed[closed.day_of_week < 5].astype("datetime64[ns]")


def market_closures(start: date, end: date) -> pd.DatetimeIndex:
    """The weekdays in ``start``..``end`` (inclusive) on which the NYSE is closed all day."""
    closed = _closures()
    return closed[(closed >= pd.Timestamp(start)) & (closed <= pd.Timestamp(end))]


def trading_days(start: date, end: date) -> pd.DatetimeIndex:
    """NYSE trading days in ``start``..``end`` (inclusive), as normalized datetime64[ns]."""
    first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if last < first:
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    weekdays = pd.bdate_range(first, last).astype("datetime64[ns]")
    return weekdays.difference(market_closures(first, last))


def is_trading_day(day: date) -> bool:
    """Whether the NYSE is open (at least part of the day) on ``day``."""
    return len(trading_days(day, day)) == 1
