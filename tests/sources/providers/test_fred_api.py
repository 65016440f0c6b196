"""FRED's keyed API: every vintage of a series, paged, its first ones dated by the release's
dates, and the answers that are refused."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fred_fakes import (
    API,
    END,
    SECRET,
    START,
    api_json,
    observations_query,
    rows,
    serve_release,
)
from provider_fakes import HOSTILE_MODES, Ok

from dagster_project import releases
from dagster_project.sources.base import ORIGIN, FetchError
from dagster_project.sources.fred import Fred


@pytest.fixture
def calendar(monkeypatch):
    """The release calendar as a stub: an observation is released 1 month and 4 days later."""
    monkeypatch.setattr(
        releases,
        "release_dates",
        lambda series_id, dates: pd.to_datetime(dates) + pd.DateOffset(months=1, days=4),
    )


# UNRATE with every vintage, as FRED's API gives it (hand-made; dates in ALFRED's manner)
UNRATE_PERIODS = (
    ("2024-07-05", "9999-12-31", "2024-03-01", "3.9"),
    ("2024-07-05", "9999-12-31", "2024-04-01", "3.9"),
    ("2024-07-05", "2025-01-09", "2024-05-01", "4.0"),
    ("2025-01-10", "9999-12-31", "2024-05-01", "4.1"),
    ("2024-07-05", "9999-12-31", "2024-06-01", "4.1"),
    ("2024-08-02", "2024-09-05", "2024-07-01", "4.3"),
    ("2024-09-06", "9999-12-31", "2024-07-01", "4.2"),
    ("2024-09-06", "9999-12-31", "2024-08-01", "."),
)
# the Employment Situation's dates as FRED lists them (from 2024-05-03 on, in this fixture)
UNRATE_RELEASES = ("2024-05-03", "2024-06-07", "2024-07-05", "2024-08-02", "2024-09-06")


def test_api_gives_every_vintage_and_dates_the_archive_start_by_release(
    httpserver, http, base_url, calendar
):
    httpserver.expect_request(
        API, query_string=observations_query("UNRATE", "2024-01-01", "2026-01-31")
    ).respond_with_data(api_json(*UNRATE_PERIODS), content_type="application/json")
    serve_release(httpserver, "UNRATE", 50, *UNRATE_RELEASES)
    frame = Fred(http, api_url=base_url, api_key=SECRET).observations(
        "UNRATE", date(2024, 1, 1), END
    )
    # By hand. The earliest vintage is 2024-07-05. Observations first seen in it:
    # - 2024-03-01 and 2024-04-01: their months ended (03-31, 04-30) before FRED's first listed
    #   date (05-03), which cannot tell their release: the calendar's (stub: 2024-04-05,
    #   2024-05-05, kind estimate), before the vintage: moved;
    # - 2024-05-01: the first listed date after 05-31 is 2024-06-07 (kind release): moved; its
    #   revision of 2025-01-10 is a vintage;
    # - 2024-06-01: released 2024-07-05, the vintage's day itself: stays a vintage.
    # 2024-07-01 is first seen on 2024-08-02 (a vintage), revised 2024-09-06; 2024-08-01's only
    # period is '.': missing, no row.
    assert rows(frame) == [
        ("2024-03-01", "2024-04-05", 3.9, "estimate"),
        ("2024-04-01", "2024-05-05", 3.9, "estimate"),
        ("2024-05-01", "2024-06-07", 4.0, "release"),
        ("2024-05-01", "2025-01-10", 4.1, "vintage"),
        ("2024-06-01", "2024-07-05", 4.1, "vintage"),
        ("2024-07-01", "2024-08-02", 4.3, "vintage"),
        ("2024-07-01", "2024-09-06", 4.2, "vintage"),
    ]
    assert list(frame.columns) == [
        "series_id", "date", "value", "realtime_start", "realtime_kind", ORIGIN
    ]  # fmt: skip
    assert SECRET not in set(frame[ORIGIN]).pop()
    assert set(frame["series_id"]) == {"UNRATE"} and frame["value"].dtype == float


def test_api_pages_with_offset_until_count(httpserver, http, base_url, calendar):
    # FRED says 3 rows and gives 2: the third is asked for with offset=2
    periods = (
        ("2026-01-06", "9999-12-31", "2026-01-05", "4.17"),
        ("2026-01-07", "9999-12-31", "2026-01-06", "4.15"),
        ("2026-01-08", "9999-12-31", "2026-01-07", "4.14"),
    )
    query = observations_query("DGS10", "2026-01-01", "2026-01-31")
    httpserver.expect_request(API, query_string={**query, "offset": "2"}).respond_with_data(
        api_json(periods[2], count=3, offset=2), content_type="application/json"
    )
    httpserver.expect_request(API, query_string=query).respond_with_data(
        api_json(*periods[:2], count=3), content_type="application/json"
    )
    serve_release(httpserver, "DGS10", 18, "2026-01-06", "2026-01-07", "2026-01-08")
    frame = Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)
    # each value first published the day after its date: all vintages, none moved
    assert rows(frame) == [
        ("2026-01-05", "2026-01-06", 4.17, "vintage"),
        ("2026-01-06", "2026-01-07", 4.15, "vintage"),
        ("2026-01-07", "2026-01-08", 4.14, "vintage"),
    ]


def test_api_answer_cut_short_of_its_count_is_refused(httpserver, http, base_url):
    query = observations_query("DGS10", "2026-01-01", "2026-01-31")
    httpserver.expect_request(API, query_string={**query, "offset": "1"}).respond_with_data(
        api_json(count=5, offset=1), content_type="application/json"
    )
    httpserver.expect_request(API, query_string=query).respond_with_data(
        api_json(("2026-01-06", "9999-12-31", "2026-01-05", "4.17"), count=5),
        content_type="application/json",
    )
    with pytest.raises(FetchError, match="counts 5 observations but gave 1") as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)
    assert SECRET not in str(caught.value) and "offset=1" in caught.value.where


def test_api_period_ending_before_it_starts_is_refused(httpserver, http, base_url):
    body = api_json(("2026-01-08", "2026-01-06", "2026-01-05", "4.17"))
    httpserver.expect_request(API).respond_with_data(body, content_type="application/json")
    with pytest.raises(FetchError, match="ending before they start") as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)
    assert caught.value.key == "DGS10" and API in caught.value.where
    assert SECRET not in str(caught.value) and "api_key=***" in caught.value.where


def test_api_every_value_missing_is_refused(httpserver, http, base_url):
    body = api_json(("2026-01-06", "9999-12-31", "2026-01-05", "."))
    httpserver.expect_request(API).respond_with_data(body, content_type="application/json")
    with pytest.raises(FetchError, match="DGS10: no value at all"):
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)


def test_api_without_observations_in_the_window_is_empty(httpserver, http, base_url):
    httpserver.expect_request(API).respond_with_data(api_json(), content_type="application/json")
    frame = Fred(http, api_url=base_url, api_key=SECRET).observations("DFEDTAR", START, END)
    assert frame.empty and "realtime_start" in frame


def test_api_json_cut_in_half(httpserver, http, base_url):
    body = api_json(
        ("2026-01-05", "9999-12-31", "2026-01-02", "4.19"),
        ("2026-01-06", "9999-12-31", "2026-01-05", "4.17"),
    )
    httpserver.expect_request(API).respond_with_data(body[: len(body) // 2])
    with pytest.raises(FetchError, match="DGS10: invalid JSON") as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)
    assert SECRET not in str(caught.value)


def test_api_json_without_observations(httpserver, http, base_url):
    httpserver.expect_request(API).respond_with_json({"seriess": []})
    with pytest.raises(FetchError, match="no 'observations' list"):
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)


@pytest.mark.parametrize("mode", HOSTILE_MODES)
def test_api_on_a_hostile_endpoint_never_shows_the_key(httpserver, hostile, base_url, mode):
    ok = Ok(api_json(("2026-01-05", "9999-12-31", "2026-01-02", "4.19")), "application/json")
    serve_release(httpserver, "DGS10", 18, "2026-01-05")

    def fetch(client):
        try:
            return Fred(client, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)
        except FetchError as err:
            assert SECRET not in str(err) and SECRET not in err.where
            raise

    frame = hostile(mode, API, ok, fetch, "DGS10")
    if frame is not None:
        assert frame["value"].tolist() == [4.19]
