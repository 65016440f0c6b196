"""The NYSE trading calendar (exchange_calendars' XNYS): known closures, known open days, yearly
counts, and the span it covers (the library's default starts only 20 years back)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dagster_project.sources.calendar import is_trading_day, market_closures, trading_days

CLOSED = [
    "1995-01-02",  # New Year's Day on a Sunday, observed Monday
    "1998-01-19",  # first MLK Day the NYSE closed for
    "2001-09-11",  # September 11: closed through 2001-09-14
    "2001-09-12",
    "2001-09-13",
    "2001-09-14",
    "2004-06-11",  # Reagan
    "2007-01-02",  # Ford
    "2012-10-29",  # Hurricane Sandy, two days
    "2012-10-30",
    "2018-12-05",  # G. H. W. Bush
    "2020-07-03",  # Independence Day on a Saturday, observed Friday
    "2021-12-24",  # Christmas on a Saturday, observed Friday
    "2022-06-20",  # first Juneteenth closure: June 19 was a Sunday
    "2022-12-26",  # Christmas on a Sunday, observed Monday
    "2023-01-02",  # New Year's Day on a Sunday, observed Monday
    "2024-02-19",  # Presidents' Day
    "2024-03-29",  # Good Friday
    "2024-05-27",  # Memorial Day
    "2024-06-19",  # Juneteenth
    "2024-07-04",
    "2024-09-02",  # Labor Day
    "2024-11-28",  # Thanksgiving
    "2024-12-25",
    "2025-01-09",  # Carter
    "2027-06-18",  # Juneteenth on a Saturday, observed Friday
]

OPEN = [
    "1995-01-03",  # the sample's first trading day: before exchange_calendars' default start
    "1997-01-20",  # MLK Day before 1998: the NYSE traded
    "1999-12-31",  # New Year's Day 2000 on a Saturday is not observed on the Friday
    "2001-09-17",  # reopening after 9/11
    "2012-10-31",  # reopening after Sandy
    "2021-06-18",  # Juneteenth became a federal holiday in 2021, but the NYSE traded
    "2021-12-31",  # New Year's Day 2022 on a Saturday: the Friday before traded
    "2024-10-14",  # Columbus Day: bond market closed, stocks open
    "2024-11-11",  # Veterans Day
    "2024-11-29",  # the day after Thanksgiving (early close)
    "2024-12-24",  # Christmas Eve (early close)
    "2025-01-10",
]


@pytest.mark.parametrize("day", CLOSED)
def test_known_closures_are_not_trading_days(day: str) -> None:
    assert not is_trading_day(date.fromisoformat(day))
    assert pd.Timestamp(day) in market_closures(date(1990, 1, 1), date(2030, 12, 31))


@pytest.mark.parametrize("day", OPEN)
def test_known_open_days_are_trading_days(day: str) -> None:
    assert is_trading_day(date.fromisoformat(day))


def test_new_years_day_on_saturday_is_not_observed() -> None:
    assert date(2022, 1, 1).weekday() == 5
    days = trading_days(date(2021, 12, 27), date(2022, 1, 7))
    assert pd.Timestamp("2021-12-31") in days
    assert pd.Timestamp("2022-01-03") in days


@pytest.mark.parametrize(("year", "count"), [(2019, 252), (2022, 251), (2023, 250), (2024, 252)])
def test_trading_days_per_year(year: int, count: int) -> None:
    assert len(trading_days(date(year, 1, 1), date(year, 12, 31))) == count


def test_weekends_are_never_trading_days() -> None:
    days = trading_days(date(1995, 1, 1), date(2026, 12, 31))
    assert (days.day_of_week < 5).all()


def test_shape_of_the_result() -> None:
    days = trading_days(date(2024, 3, 25), date(2024, 4, 2))
    assert days.dtype == "datetime64[ns]"
    assert days.is_monotonic_increasing and days.is_unique
    assert list(days.strftime("%Y-%m-%d")) == [
        "2024-03-25",
        "2024-03-26",
        "2024-03-27",
        "2024-03-28",
        "2024-04-01",
        "2024-04-02",
    ]
    # inclusive at both ends, empty when reversed, accepts strings and timestamps alike
    assert len(trading_days(date(2024, 4, 1), date(2024, 4, 1))) == 1
    assert len(trading_days(date(2024, 4, 2), date(2024, 4, 1))) == 0
    assert trading_days("2024-03-25", pd.Timestamp("2024-04-02")).equals(days)


def test_a_day_outside_the_calendar_is_refused_naming_the_span() -> None:
    with pytest.raises(ValueError, match=r"XNYS trading calendar covers 1970-01-01\.\.2100-12-31"):
        trading_days(date(1960, 1, 1), date(1960, 12, 31))
    assert len(trading_days(date(1970, 1, 1), date(1970, 1, 9))) == 6  # 1970-01-01 a holiday
