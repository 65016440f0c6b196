"""The release calendar (releases.py) against real release dates, looked up by hand.

Every expected date below is a real publication date from the source named in its comment, not
the code's output. Keys are reference months, values the day BLS published them.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.tseries.holiday import USFederalHolidayCalendar

from dagster_project import releases
from dagster_project.releases import release_dates

# --- Employment Situation ---------------------------------------------------------------------
# 2021-2023: a public repository's hand-kept list of 2021-2025 event dates (dates of the 2021-2022
# ones also on BLS's schedule page blsmon1.bls.gov/schedule/news_release/empsit.htm, Oct 2021 -
# Nov 2022); it has January 8, 2021 (December 2020 data) but not January 2023's release.
EMPSIT_2021_2023 = {
    "2020-12": "2021-01-08", "2021-01": "2021-02-05", "2021-02": "2021-03-05",
    "2021-03": "2021-04-02", "2021-04": "2021-05-07", "2021-05": "2021-06-04",
    "2021-06": "2021-07-02", "2021-07": "2021-08-06", "2021-08": "2021-09-03",
    "2021-09": "2021-10-08", "2021-10": "2021-11-05", "2021-11": "2021-12-03",
    "2021-12": "2022-01-07", "2022-01": "2022-02-04", "2022-02": "2022-03-04",
    "2022-03": "2022-04-01", "2022-04": "2022-05-06", "2022-05": "2022-06-03",
    "2022-06": "2022-07-08", "2022-07": "2022-08-05", "2022-08": "2022-09-02",
    "2022-09": "2022-10-07", "2022-10": "2022-11-04", "2022-11": "2022-12-02",
    "2023-01": "2023-02-03", "2023-02": "2023-03-10", "2023-03": "2023-04-07",
    "2023-04": "2023-05-05", "2023-05": "2023-06-02", "2023-06": "2023-07-07",
    "2023-07": "2023-08-04", "2023-08": "2023-09-01", "2023-09": "2023-10-06",
    "2023-10": "2023-11-03", "2023-11": "2023-12-08",
}  # fmt: skip
# 2024: Pennsylvania Department of Labor & Industry, "PA Employment & Jobs Data Release Schedule"
# (pa.gov media center), column "US Data".
EMPSIT_2024 = {
    "2023-12": "2024-01-05", "2024-01": "2024-02-02", "2024-02": "2024-03-08",
    "2024-03": "2024-04-05", "2024-04": "2024-05-03", "2024-05": "2024-06-07",
    "2024-06": "2024-07-05", "2024-07": "2024-08-02", "2024-08": "2024-09-06",
    "2024-09": "2024-10-04", "2024-10": "2024-11-01", "2024-11": "2024-12-06",
    "2024-12": "2025-01-10",
}  # fmt: skip
# 2025: BLS, CPS release calendar (bls.gov/cps/publications/release-calendar.htm); November 2025
# (December 16) from BLS's revised dates after the 2025 lapse (as reported by Reuters/Morningstar);
# December 2025 (January 9, 2026) from Reuters/Devdiscourse 2025-12-09 ("as originally
# intended"); January 2026 (February 11, after the January 31 lapse) from AP and Bloomberg Tax,
# 2026-02-04.
EMPSIT_2025 = {
    "2025-01": "2025-02-07", "2025-02": "2025-03-07", "2025-03": "2025-04-04",
    "2025-04": "2025-05-02", "2025-05": "2025-06-06", "2025-06": "2025-07-03",
    "2025-07": "2025-08-01", "2025-08": "2025-09-05", "2025-09": "2025-11-20",
    "2025-11": "2025-12-16", "2025-12": "2026-01-09", "2026-01": "2026-02-11",
}  # fmt: skip
# Spot dates: FRASER's citations of The Employment Situation (fraser.stlouisfed.org, title 144):
# "December 1981" (January 8, 1982), "February 1992" (March 6, 1992), "February 1996" (March 8,
# 1996), "August 1999" (September 3, 1999); the release texts on bls.gov: December 1995
# (news.release/history/empsit_011996.txt: Friday, January 19, 1996, delayed two weeks by the
# shutdown), September 2000 ("embargoed until ... Friday, October 6, 2000"); December 2011 (NPR,
# January 6, 2012: "due for release at 8:30 a.m. ET"); the October 2013 shutdown (BLS: September
# data on October 22, October data on November 8, 2013); holidays: June 2014 (Thursday July 3,
# 2014), June 2020 (Thursday July 2, 2020; also in the list above for 2025's July 3).
EMPSIT_SPOT = {
    "1981-12": "1982-01-08", "1992-02": "1992-03-06", "1995-12": "1996-01-19",
    "1996-02": "1996-03-08", "1999-08": "1999-09-03", "2000-09": "2000-10-06",
    "2011-12": "2012-01-06", "2013-09": "2013-10-22", "2013-10": "2013-11-08",
    "2014-06": "2014-07-03", "2020-06": "2020-07-02",
}  # fmt: skip

# --- CPI ----------------------------------------------------------------------------------------
# 2019: inflationdata.com, "Consumer Price Index (CPI) Release Dates" (BLS's schedule for 2019).
CPI_2019 = {
    "2019-01": "2019-02-13", "2019-02": "2019-03-12", "2019-03": "2019-04-10",
    "2019-04": "2019-05-10", "2019-05": "2019-06-12", "2019-06": "2019-07-11",
    "2019-07": "2019-08-13", "2019-08": "2019-09-12", "2019-09": "2019-10-10",
    "2019-10": "2019-11-13", "2019-11": "2019-12-11",
}  # fmt: skip
# 2021-2022 and 2024's second half: the same hand-kept list of event dates as above.
CPI_2021_2022 = {
    "2020-12": "2021-01-13", "2021-01": "2021-02-10", "2021-02": "2021-03-10",
    "2021-03": "2021-04-13", "2021-04": "2021-05-12", "2021-05": "2021-06-10",
    "2021-06": "2021-07-13", "2021-07": "2021-08-11", "2021-08": "2021-09-14",
    "2021-09": "2021-10-13", "2021-10": "2021-11-10", "2021-11": "2021-12-10",
    "2021-12": "2022-01-12", "2022-01": "2022-02-10", "2022-02": "2022-03-10",
    "2022-03": "2022-04-12", "2022-04": "2022-05-11", "2022-05": "2022-06-10",
    "2022-06": "2022-07-13", "2022-07": "2022-08-10", "2022-08": "2022-09-13",
    "2022-09": "2022-10-13", "2022-10": "2022-11-10", "2022-11": "2022-12-13",
}  # fmt: skip
# 2023: usinflation.org, "US Inflation Report Release Dates" (BLS's 2023 schedule; the same dates
# are in the hand-kept list).
CPI_2023 = {
    "2022-12": "2023-01-12", "2023-01": "2023-02-14", "2023-02": "2023-03-14",
    "2023-03": "2023-04-12", "2023-04": "2023-05-10", "2023-05": "2023-06-13",
    "2023-06": "2023-07-12", "2023-07": "2023-08-10", "2023-08": "2023-09-13",
    "2023-09": "2023-10-12", "2023-10": "2023-11-14", "2023-11": "2023-12-12",
}  # fmt: skip
# 2024-2026: December 2023 (myfininspire.com's 2024 calendar: January 11, 2024); January 2024
# (AP, February 13, 2024); February 2024 (ABA Banking Journal, 2024-03-12); March 2024 (Spectrum
# News 2024-04-11: "On Wednesday", April 10); April 2024 (the release's embargo line quoted in a
# podcast summary, and Axios 2024-05-15); January 2025 (bls.gov release: Wednesday, February 12,
# 2025); February 2025 (CNBC, March 12, 2025); March 2025 (MDM: April 10); May-November 2024,
# April-July 2025 (hand-kept list); December 2024 (ABA Banking Journal, 2025-01-15); August 2025
# (economywatcher: September 11, 2025); September 2025 (BLS, "September 2025 CPI Release
# Rescheduled": October 24, 2025); November 2025 (Reuters via New India Abroad: December 18,
# 2025); December 2025 (Devdiscourse/Reuters: January 13, 2026 as intended); January 2026 (AP and
# Bloomberg Tax, 2026-02-04: February 13).
CPI_2024_2026 = {
    "2023-12": "2024-01-11", "2024-01": "2024-02-13", "2024-02": "2024-03-12",
    "2024-03": "2024-04-10", "2024-04": "2024-05-15", "2024-05": "2024-06-12",
    "2024-06": "2024-07-11", "2024-07": "2024-08-14", "2024-08": "2024-09-11",
    "2024-09": "2024-10-10", "2024-10": "2024-11-13", "2024-11": "2024-12-11",
    "2024-12": "2025-01-15", "2025-01": "2025-02-12", "2025-02": "2025-03-12",
    "2025-03": "2025-04-10", "2025-04": "2025-05-13", "2025-05": "2025-06-11",
    "2025-06": "2025-07-15", "2025-07": "2025-08-12", "2025-08": "2025-09-11",
    "2025-09": "2025-10-24", "2025-11": "2025-12-18", "2025-12": "2026-01-13",
    "2026-01": "2026-02-13",
}  # fmt: skip
# Spot dates before 2017, each from the release's own embargo line or a report of its day:
# December 1995 (FRASER full text: Thursday, February 1, 1996, delayed by the shutdown), July 1996
# (FRASER full text and the BLS Daily Report: Tuesday, August 13, 1996), September 1998
# (bls.gov news.release/history/cpi_101698.txt: Friday, October 16, 1998),
# December 1998 (FRASER full text: Thursday, January 14, 1999), January 2006 (IWS News Service:
# 22 February 2006), January 2008 (CEPR press release, February 20, 2008), December 2008
# (bls.gov archived release: Friday, January 16, 2009), the October 2013 shutdown (September data
# on Wednesday October 30, 2013: AP via Lincoln Daily News 2013-10-31, "originally scheduled Oct.
# 16"; October data on November 20: Reuters, "delayed from Nov. 15"), January 2012 (bls.gov
# news.release/archives/cpi_02172012.htm: Friday, February 17, 2012), December 2013 (Reuters,
# January 16, 2014), January and February 2015 (bls.gov release embargo lines: Thursday,
# February 26 and Tuesday, March 24, 2015), December 2015 (the release's embargo line: January
# 20, 2016), December 2016 (bls.gov archived release: January 18, 2017).
CPI_SPOT = {
    "1995-12": "1996-02-01", "1996-07": "1996-08-13", "1998-09": "1998-10-16",
    "1998-12": "1999-01-14", "2006-01": "2006-02-22", "2008-01": "2008-02-20",
    "2008-12": "2009-01-16", "2012-01": "2012-02-17", "2013-09": "2013-10-30",
    "2013-10": "2013-11-20", "2013-12": "2014-01-16", "2015-01": "2015-02-26",
    "2015-02": "2015-03-24", "2015-12": "2016-01-20", "2016-12": "2017-01-18",
}  # fmt: skip
# 2004-2006, each from a copy of the release or a report of its day: July 2004 (the release's full
# text in the Wall Street Journal's Economic Indicators archive, dated Tuesday, August 17, 2004),
# October 2004 (a forum post of 11/17/2004, 10:18 AM, quoting the release from bls.gov), June 2006
# (FloorDaily, July 19, 2006, "according to a Labor Department announcement"), September 2006
# (FloorDaily, October 18, 2006: "reported Wednesday"), October 2006 (Inc., Nov. 16, 2006:
# "reported today"), November 2006 (a copy of the release, docstoc: "embargoed until 8:30 A.M.
# (EST) Friday, December 15, 2006").
CPI_2004_2006 = {
    "2004-07": "2004-08-17", "2004-10": "2004-11-17", "2006-06": "2006-07-19",
    "2006-09": "2006-10-18", "2006-10": "2006-11-16", "2006-11": "2006-12-15",
}  # fmt: skip
# Before 2004, outside CPI_SCHEDULE, for the rule alone; each from the release's embargo line:
# November 2000 (CNNfn's copy of the release: Friday, December 15, 2000), February, March and
# July 2002 (bls.gov news.release/history/cpi_03212002.txt, cpi_04162002.txt, cpi_08162002.txt:
# Thursday, March 21, Tuesday, April 16, Friday, August 16, 2002), November 2002 (docstoc's copy:
# Tuesday, December 17, 2002), February 2003 (bls.gov's cpi.nr0.htm as archived by the Wayback
# Machine on 2003-04-09: Friday, March 21, 2003).
CPI_BEFORE_2004 = {
    "2000-11": "2000-12-15", "2002-02": "2002-03-21", "2002-03": "2002-04-16",
    "2002-07": "2002-08-16", "2002-11": "2002-12-17", "2003-02": "2003-03-21",
}  # fmt: skip
CPI_RECENT = {**CPI_2019, **CPI_2021_2022, **CPI_2023, **CPI_2024_2026}
CPI_REAL = {**CPI_SPOT, **CPI_BEFORE_2004, **CPI_2004_2006, **CPI_RECENT}
CPI_EXACT = {  # the shutdown months, which the rule takes from its table
    k: v for k, v in {**CPI_SPOT, **CPI_2024_2026}.items()
    if k in ("1995-12", "2013-09", "2013-10", "2025-09", "2025-11", "2026-01")
}  # fmt: skip


def _released(series_id: str, months) -> list[str]:
    dates = pd.Series(pd.to_datetime([f"{m}-01" for m in months]))
    return release_dates(series_id, dates).dt.strftime("%Y-%m-%d").tolist()


def _by_cpi_rule(months) -> list[str]:
    """The conservative CPI rule alone: neither CPI_SCHEDULE nor the shutdown exceptions."""
    days = releases.cpi_rule(pd.PeriodIndex(list(months), freq="M"))
    return pd.DatetimeIndex(days).strftime("%Y-%m-%d").tolist()


def _rule_lateness(real: dict[str, str]) -> pd.Series:
    """Days the rule alone is late on each real date, shutdown months (exceptions) left out."""
    real = {k: v for k, v in real.items() if k not in releases.CPI_EXCEPTIONS}
    got = pd.to_datetime(_by_cpi_rule(real))
    return pd.Series((got - pd.to_datetime(list(real.values()))).days, index=list(real))


@pytest.mark.parametrize(
    "real", [EMPSIT_2021_2023, EMPSIT_2024, EMPSIT_2025, EMPSIT_SPOT], ids=lambda d: min(d)
)
def test_employment_situation_is_exact(real):
    for series_id in ("UNRATE", "SAHMREALTIME"):
        assert dict(zip(real, _released(series_id, real), strict=True)) == real


def test_employment_situation_is_the_third_friday_after_the_reference_week_by_hand():
    # August 2025: the 12th is a Tuesday, its week ends Saturday the 16th; Fridays after it:
    # 22, 29, September 5. December 2019: week of the 12th ends the 14th; Fridays 20, 27,
    # January 3, which is too early in January: a week later, January 10, 2020.
    assert _released("UNRATE", ["2025-08", "2019-12"]) == ["2025-09-05", "2020-01-10"]


def test_october_2025_unemployment_is_dated_by_the_release_that_came_instead():
    assert _released("UNRATE", ["2025-10"]) == ["2025-12-16"]
    assert _released("CPIAUCSL", ["2025-10"]) == ["2025-12-18"]


def test_the_cpi_rule_alone_is_never_earlier_and_at_most_6_days_late_since_2017():
    lateness = _rule_lateness(CPI_RECENT)
    assert lateness.min() >= 0
    # the largest, documented in releases.py: February 10, 2021 -> the 16th (the 15th was
    # Presidents' Day), and January 12, 2022 -> the 18th (the 15th a Saturday, the 17th MLK Day)
    assert lateness.max() == 6
    assert (lateness == 0).sum() >= 2  # the 15th itself


def test_the_cpi_rule_alone_before_2017_is_never_earlier_and_at_most_13_days_late():
    lateness = _rule_lateness({**CPI_SPOT, **CPI_BEFORE_2004, **CPI_2004_2006})
    assert lateness.min() >= 0
    assert lateness.max() == 13  # July 1996: real August 13, the 24th a Saturday: the 26th
    assert lateness["1998-12"] == 11  # real January 14, 1999; the 24th a Sunday: the 25th
    assert lateness["2015-02"] == 0  # March 24, 2015: the latest non-January one found


def test_the_cpi_rule_alone_is_never_earlier_than_the_schedule():
    # the rule is what months outside CPI_SCHEDULE get: it must not be earlier than any day BLS
    # actually kept, 2004-2026 (shutdowns aside), and its lateness is what the module doc says
    lateness = _rule_lateness(releases.CPI_SCHEDULE)
    assert lateness.min() >= 0
    assert lateness[lateness.index >= "2017-01"].max() == 6
    assert lateness[lateness.index < "2017-01"].max() == 13  # April 2008: May 14 -> the 27th


def test_cpi_shutdown_months_are_exact():
    assert dict(zip(CPI_EXACT, _released("CPIAUCSL", CPI_EXACT), strict=True)) == CPI_EXACT


def test_cpi_rule_by_hand():
    # March 2026 data: April 15, 2026 is a Wednesday. Before 2017: January 2016 data on the 26th
    # of February 2016, a Friday; May 2016 data on June 24, 2016, a Friday.
    months = ["2026-03", "2016-01", "2016-05"]
    assert _by_cpi_rule(months) == ["2026-04-15", "2016-02-26", "2016-06-24"]
    # June 15, 2024 is a Saturday: May 2024 data on Monday the 17th
    assert _by_cpi_rule(["2024-05"]) == ["2024-06-17"]
    # November 24, 2011 was Thanksgiving: October 2011 data on Friday the 25th
    assert _by_cpi_rule(["2011-10"]) == ["2011-11-25"]


def test_cpi_outside_the_schedule_is_the_rule():
    # before 2004 and after the table's last month, release_dates is the rule (shutdowns aside)
    first, last = min(releases.CPI_SCHEDULE), max(releases.CPI_SCHEDULE)
    months = ["1999-06", "2003-12", str(pd.Period(last, "M") + 1), "2030-01"]
    assert all(m < first or m > last for m in months)
    assert _released("CPIAUCSL", months) == _by_cpi_rule(months)


@pytest.mark.parametrize("series_id", ["CPIAUCSL", "CPILFESL"])
def test_cpi_is_exact_on_every_real_date_the_schedule_or_a_shutdown_covers(series_id):
    covered = {
        k: v for k, v in CPI_REAL.items()
        if k in releases.CPI_SCHEDULE or k in releases.CPI_EXCEPTIONS
    }  # fmt: skip
    assert len(covered) >= 90  # all but the spot dates before 2004
    assert dict(zip(covered, _released(series_id, covered), strict=True)) == covered


def test_the_schedule_agrees_with_the_independent_real_dates():
    # CPI_SCHEDULE comes from BLS's list of archived releases (and FRED's release dates); the lists
    # above come from other sources (schedules republished by others, news reports, the releases'
    # own embargo lines), so their agreement is a real check, not the table tested against itself
    shared = sorted(set(CPI_REAL) & set(releases.CPI_SCHEDULE))
    assert len(shared) >= 85
    assert {m: releases.CPI_SCHEDULE[m] for m in shared} == {m: CPI_REAL[m] for m in shared}


def test_the_schedule_agrees_with_the_shutdown_exceptions():
    # CPI_EXCEPTIONS came from news reports of each shutdown; the schedule's source lists them too
    shared = set(releases.CPI_SCHEDULE) & set(releases.CPI_EXCEPTIONS)
    assert shared == {"2013-09", "2013-10", "2025-09", "2025-11", "2026-01"}
    for month in shared:
        assert releases.CPI_SCHEDULE[month] == releases.CPI_EXCEPTIONS[month]


def test_the_schedule_days_are_business_days_in_the_following_month():
    holidays = set(USFederalHolidayCalendar().holidays("2004-01-01", "2027-12-31"))
    for month, day in releases.CPI_SCHEDULE.items():
        day = pd.Timestamp(day)
        assert day.day_of_week < 5, f"{month}: {day:%Y-%m-%d} is a weekend day"
        assert day not in holidays, f"{month}: {day:%Y-%m-%d} is a federal holiday"
        if month in releases.CPI_EXCEPTIONS:
            continue  # shutdowns: tested against their own table above
        assert day.to_period("M") == pd.Period(month, "M") + 1, f"{month}: {day:%Y-%m-%d}"
        assert 8 <= day.day <= 28, f"{month}: {day:%Y-%m-%d}"


def test_the_schedule_has_one_day_a_month_and_no_gaps():
    months = pd.PeriodIndex(sorted(releases.CPI_SCHEDULE), freq="M")
    days = pd.DatetimeIndex([releases.CPI_SCHEDULE[str(m)] for m in months])
    assert days.is_monotonic_increasing
    assert days.is_unique  # one release a month (October 2025's is only in the exceptions)
    # every month from the first to the last, October 2025 (never published) in the exceptions
    known = set(months) | {pd.Period(m, "M") for m in releases.CPI_EXCEPTIONS}
    span = pd.period_range(months.min(), months.max(), freq="M")
    assert [str(m) for m in span if m not in known] == []
    assert str(months.min()) == "2004-01"  # whole years from the first


def test_fomc_targets_are_known_on_their_own_date():
    dates = pd.Series(pd.to_datetime(["2008-12-16", "2020-03-15", "2024-11-08"]), index=[5, 6, 7])
    for series_id in ("DFEDTAR", "DFEDTARU", "DFEDTARL"):
        got = release_dates(series_id, dates)
        assert got.index.tolist() == [5, 6, 7]
        assert got.tolist() == dates.tolist()


def test_next_business_day_skips_weekends_and_federal_holidays():
    # by hand: Friday 2024-10-11 -> Monday the 14th is Columbus Day -> Tuesday the 15th;
    # Friday 2024-11-08 -> Monday the 11th is Veterans Day -> the 12th; Saturday 2024-11-09 ->
    # the 12th too; Wednesday 2024-07-03 -> July 4 -> Friday the 5th; Thursday 2024-12-19 ->
    # the 20th; Tuesday 2024-12-24 -> Christmas -> the 26th; 2023-06-16 (Friday) -> Monday the
    # 19th is Juneteenth -> the 20th.
    cases = {
        "2024-10-11": "2024-10-15", "2024-11-08": "2024-11-12", "2024-11-09": "2024-11-12",
        "2024-07-03": "2024-07-05", "2024-12-19": "2024-12-20", "2024-12-24": "2024-12-26",
        "2023-06-16": "2023-06-20",
    }  # fmt: skip
    for series_id in ("DFF", "DGS2", "DGS10", "BAMLH0A0HYM2"):
        got = release_dates(series_id, pd.Series(pd.to_datetime(list(cases))))
        assert got.dt.strftime("%Y-%m-%d").tolist() == list(cases.values())


def test_release_dates_are_datetime64_and_aligned():
    dates = pd.Series(["2024-01-01", "2024-02-01"], index=["a", "b"])
    got = release_dates("UNRATE", dates)
    assert got.dtype == "datetime64[ns]"
    assert got.index.tolist() == ["a", "b"]


def test_an_unknown_series_is_named():
    with pytest.raises(ValueError, match="NOPE"):
        release_dates("NOPE", pd.Series(pd.to_datetime(["2024-01-01"])))


def test_exception_tables_hold_real_months():
    for table in (releases.EMPLOYMENT_EXCEPTIONS, releases.CPI_EXCEPTIONS):
        for month, day in table.items():
            assert pd.Timestamp(day) > pd.Period(month, "M").end_time
