"""The US equity (NYSE) trading calendar: the sessions of exchange_calendars' XNYS.

A kept library's calendar rather than rules of our own: it has every scheduled holiday (the
NYSE's, not the federal government's: a Saturday New Year's Day is not observed on the Friday
before; Juneteenth from 2022; Columbus and Veterans Day trade) and the unscheduled closures
(9/11, Hurricane Sandy, the national days of mourning), and it is updated when the NYSE adds
one. Early closes (half days) are sessions.

The calendar is built once per process for CALENDAR_FIRST..CALENDAR_LAST and sliced for every
request: exchange_calendars' default bounds are recent (the last 20 years), and building it
takes a tenth of a second. A request outside those bounds is refused rather than guessed.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import exchange_calendars
import pandas as pd

EXCHANGE = "XNYS"
CALENDAR_FIRST = "1970-01-01"
CALENDAR_LAST = "2100-12-31"


@cache
def _sessions() -> pd.DatetimeIndex:
    """Every NYSE session from CALENDAR_FIRST to CALENDAR_LAST, normalized datetime64[ns]."""
    calendar = exchange_calendars.get_calendar(EXCHANGE, start=CALENDAR_FIRST, end=CALENDAR_LAST)
    return pd.DatetimeIndex(calendar.sessions, name=None).astype("datetime64[ns]")


def _bounds(start: date, end: date) -> tuple[pd.Timestamp, pd.Timestamp]:
    first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    for day in (first, last):
        if not pd.Timestamp(CALENDAR_FIRST) <= day <= pd.Timestamp(CALENDAR_LAST):
            raise ValueError(
                f"the {EXCHANGE} trading calendar covers {CALENDAR_FIRST}..{CALENDAR_LAST}:"
                f" {day.date()} is outside it"
            )
    return first, last


def trading_days(start: date, end: date) -> pd.DatetimeIndex:
    """NYSE trading days in ``start``..``end`` (inclusive), as normalized datetime64[ns]."""
    first, last = _bounds(start, end)
    sessions = _sessions()
    return sessions[(sessions >= first) & (sessions <= last)]


def market_closures(start: date, end: date) -> pd.DatetimeIndex:
    """The weekdays in ``start``..``end`` (inclusive) on which the NYSE is closed all day."""
    first, last = _bounds(start, end)
    if last < first:
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    weekdays = pd.bdate_range(first, last).astype("datetime64[ns]")
    return weekdays.difference(trading_days(first, last))


def is_trading_day(day: date) -> bool:
    """Whether the NYSE is open (at least part of the day) on ``day``."""
    return len(trading_days(day, day)) == 1
