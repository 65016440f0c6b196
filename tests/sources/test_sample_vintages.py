"""The sample source's macro vintages: first prints on the release day, revisions in the next two
monthly releases and in five annual ones, the latest vintage the final value, SAHMREALTIME from
the unemployment rate as known on each release day.

The schedules and the Sahm rule are worked out here, independently of the sample's code; only
the release days come from ``releases.release_dates`` (tested on real dates in test_releases).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dagster_project.releases import release_dates
from dagster_project.sources.sample import SampleSource

START, END = date(1995, 1, 1), date(2026, 6, 30)
MONTHLY = ("UNRATE", "CPIAUCSL", "CPILFESL")
DAILY = ("DFEDTAR", "DFEDTARU", "DFEDTARL", "DFF", "DGS2", "DGS10", "BAMLH0A0HYM2")
ANNUAL_MONTH = {"UNRATE": 12, "CPIAUCSL": 1, "CPILFESL": 1}  # whose release revises 5 years


@pytest.fixture(scope="module")
def vintages() -> pd.DataFrame:
    return SampleSource().macro([*MONTHLY, *DAILY, "SAHMREALTIME"], START, END)


def _series(vintages: pd.DataFrame, series_id: str) -> pd.DataFrame:
    return vintages[vintages["series_id"] == series_id].reset_index(drop=True)


def _released(series_id: str, month: pd.Period) -> pd.Timestamp:
    return release_dates(series_id, pd.Series([month.to_timestamp()])).iloc[0]


def _scheduled(series_id: str, month: pd.Period) -> set[pd.Timestamp]:
    """The days a month's value may change, out by END: its release, the next two, and the
    annual releases of the next five years whose 60 months back reach it."""
    steps = [month, month + 1, month + 2]
    steps += [m for m in (month + k for k in range(1, 61)) if m.month == ANNUAL_MONTH[series_id]]
    days = {_released(series_id, m) for m in steps}
    return {d for d in days if d <= pd.Timestamp(END)}


def test_every_row_is_a_vintage_published_by_the_end(vintages) -> None:
    assert (vintages["realtime_kind"] == "vintage").all()
    assert vintages["realtime_start"].max() <= pd.Timestamp(END)
    assert (vintages["realtime_start"] >= vintages["date"]).all()


@pytest.mark.parametrize("series_id", [*MONTHLY, *DAILY])
def test_first_print_is_on_the_release_day(vintages, series_id) -> None:
    rows = _series(vintages, series_id)
    first = rows.drop_duplicates("date", keep="first")
    expected = release_dates(series_id, first["date"])
    pd.testing.assert_series_equal(
        first["realtime_start"].reset_index(drop=True),
        expected.reset_index(drop=True),
        check_names=False,
    )


def test_first_prints_by_hand(vintages) -> None:
    first = vintages.drop_duplicates(["series_id", "date"], keep="first").set_index(
        ["series_id", "date"]
    )["realtime_start"]
    assert first["UNRATE", pd.Timestamp("2024-12-01")] == pd.Timestamp("2025-01-10")
    assert first["UNRATE", pd.Timestamp("2025-09-01")] == pd.Timestamp("2025-11-20")
    assert first["CPIAUCSL", pd.Timestamp("2024-04-01")] == pd.Timestamp("2024-05-15")
    # Friday 2024-10-11: Monday the 14th is Columbus Day
    assert first["DGS10", pd.Timestamp("2024-10-11")] == pd.Timestamp("2024-10-15")
    assert first["DFEDTARU", pd.Timestamp("2020-03-16")] == pd.Timestamp("2020-03-16")
    assert ("UNRATE", pd.Timestamp("2025-10-01")) not in first.index  # never published


@pytest.mark.parametrize("series_id", [*DAILY, "SAHMREALTIME"])
def test_daily_series_and_the_sahm_rule_have_one_vintage(vintages, series_id) -> None:
    assert not _series(vintages, series_id)["date"].duplicated().any()


@pytest.mark.parametrize("series_id", MONTHLY)
def test_revisions_fall_on_the_scheduled_release_days(vintages, series_id) -> None:
    rows = _series(vintages, series_id)
    checked = 0
    for day, group in list(rows.groupby("date"))[::7]:  # every 7th month, 1995-2026
        scheduled = _scheduled(series_id, pd.Period(day, "M"))
        assert set(group["realtime_start"]) <= scheduled, day
        assert len(group) <= len(scheduled)
        # a vintage is a change of the published value
        assert (group["value"].diff().dropna() != 0).all(), day
        checked += 1
    assert checked > 50


@pytest.mark.parametrize("series_id", ["CPIAUCSL", "CPILFESL"])
def test_cpi_is_revised_at_almost_every_scheduled_release(vintages, series_id) -> None:
    rows = _series(vintages, series_id)
    counts = rows.groupby("date").size()
    full = [d for d in counts.index[::5] if d <= pd.Timestamp("2019-01-01")]
    expected = pd.Series([len(_scheduled(series_id, pd.Period(d, "M"))) for d in full], full)
    # a first print, two monthly revisions, five annual ones (fewer days when they coincide)
    assert expected.between(6, 8).all()
    # (a revision that leaves the 3-decimal value unchanged is no vintage: rare, not never)
    assert (counts[full] == expected).mean() >= 0.75
    assert (counts[full] >= expected - 2).all()
    # a few hundredths of a percent: the first print against the final value
    first = rows.drop_duplicates("date", keep="first").set_index("date")["value"]
    final = rows.drop_duplicates("date", keep="last").set_index("date")["value"]
    gap = (first / final - 1).abs()
    assert 0.5e-4 <= gap.median() <= 4e-4 and gap.max() < 2e-3
    assert ((rows["value"] * 1000).round(6) % 1 == 0).all()  # 3 decimals, as published


def test_unemployment_is_revised_by_a_rounding_step_at_times(vintages) -> None:
    rows = _series(vintages, "UNRATE")
    first = rows.drop_duplicates("date", keep="first").set_index("date")["value"]
    final = rows.drop_duplicates("date", keep="last").set_index("date")["value"]
    gap = (first - final).round(6)
    assert set(gap.unique()) <= {-0.2, -0.1, 0.0, 0.1, 0.2}
    assert 0.1 <= (gap != 0).mean() <= 0.6
    assert ((rows["value"] * 10).round(6) % 1 == 0).all()  # 0.1, as published
    assert rows.groupby("date").size().max() >= 3


@pytest.mark.parametrize(
    ("series_id", "month", "oldest", "newest"),
    [
        # February 2020's release (January's data) revises January 2015 - December 2019
        ("CPIAUCSL", "2020-01", "2015-01", "2019-12"),
        ("CPILFESL", "2011-01", "2006-01", "2010-12"),
        # January 2020's (December 2019's data) revises December 2014 - November 2019
        ("UNRATE", "2019-12", "2014-12", "2019-11"),
    ],
)
def test_annual_revisions_reach_back_five_years(vintages, series_id, month, oldest, newest):
    rows = _series(vintages, series_id)
    day = _released(series_id, pd.Period(month, "M"))
    revised = rows.loc[
        (rows["realtime_start"] == day) & (rows["date"] < pd.Period(month).start_time)
    ]
    assert revised["date"].min() >= pd.Timestamp(oldest)
    assert revised["date"].max() <= pd.Timestamp(newest)
    if series_id != "UNRATE":  # the CPI moves at nearly every revision
        assert revised["date"].min() <= (pd.Period(oldest, "M") + 2).end_time
        assert len(revised) >= 50


def test_unemployment_annual_revisions_reach_beyond_four_years(vintages) -> None:
    rows = _series(vintages, "UNRATE")
    months = pd.DatetimeIndex(rows["realtime_start"]).to_period("M") - pd.DatetimeIndex(
        rows["date"]
    ).to_period("M")
    age = np.array([m.n for m in months])
    assert age.max() <= 61  # never more than five years (plus the month it is published in)
    assert (age > 48).sum() >= 10


def test_latest_vintage_is_the_final_value_whatever_the_end(vintages) -> None:
    early = SampleSource(end=date(2012, 5, 20)).macro(list(MONTHLY), START, END)
    assert early["realtime_start"].max() <= pd.Timestamp("2012-05-20")
    latest_early = early.drop_duplicates(["series_id", "date"], keep="last")
    latest = vintages.drop_duplicates(["series_id", "date"], keep="last")
    both = latest_early.merge(latest, on=["series_id", "date"], suffixes=("_early", ""))
    assert len(both) == len(latest_early) > 3 * 200
    np.testing.assert_array_equal(both["value_early"], both["value"])
    # April 2012's first print is the latest vintage out by May 20, 2012 (May 4): the final
    april = early[(early["series_id"] == "UNRATE") & (early["date"] == "2012-04-01")]
    assert april["realtime_start"].tolist() == [pd.Timestamp("2012-05-04")]
    # and in the full sample it has later vintages, the earlier ones different from the last
    later = _series(vintages, "CPIAUCSL")
    assert (later.groupby("date")["value"].nunique() > 1).mean() > 0.9


def test_sahm_rule_from_unemployment_as_known_on_each_release_day(vintages) -> None:
    unrate = _series(vintages, "UNRATE")
    sahm = _series(vintages, "SAHMREALTIME")
    # 3 months for an average and 12 averages before it: April 1996's release of March 1996
    assert sahm["date"].min() == pd.Timestamp("1996-03-01")
    assert pd.Timestamp("2025-10-01") not in set(sahm["date"])
    months = pd.date_range("1995-01-01", END, freq="MS")
    for _, row in sahm.iloc[::3].iterrows():
        assert row["realtime_start"] == _released("UNRATE", pd.Period(row["date"], "M"))
        known = unrate[unrate["realtime_start"] <= row["realtime_start"]]
        u = known.groupby("date")["value"].last().reindex(months[months <= row["date"]])
        average = u.rolling(3, min_periods=2).mean()
        expected = average.iloc[-1] - average.iloc[-13:-1].min()
        assert row["value"] == pytest.approx(round(expected, 2), abs=1e-9), row["date"]
    assert sahm["value"].max() >= 0.5  # the rule triggers in the sample's recessions
    assert ((sahm["value"] * 100).round(6) % 1 == 0).all()


def test_macro_filters_on_the_observation_date() -> None:
    rows = SampleSource().macro(["UNRATE", "CPIAUCSL"], date(2010, 1, 1), date(2010, 3, 31))
    assert rows["date"].between("2010-01-01", "2010-03-31").all()
    assert rows["realtime_start"].max() > pd.Timestamp("2014-01-01")  # annual revisions
