"""FRED: the keyless graph CSV (both header spellings, '.' for missing) and the keyed API."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from provider_fakes import HOSTILE_MODES, Ok

from dagster_project import releases
from dagster_project.sources.base import ORIGIN, FetchError
from dagster_project.sources.fred import Fred

START, END = date(2026, 1, 1), date(2026, 1, 31)
GRAPH = "/graph/fredgraph.csv"
API = "/fred/series/observations"
SECRET = "SECRETKEY"

GRAPH_CSV = "observation_date,DGS10\n2026-01-02,4.19\n2026-01-05,.\n2026-01-06,\n2026-01-07,4.15\n"
OLD_GRAPH_CSV = "DATE,UNRATE\n2025-09-01,4.4\n2025-10-01,.\n2025-11-01,4.6\n"


EVERY_VINTAGE = {"realtime_start": "1776-07-04", "realtime_end": "9999-12-31"}


def api_json(*periods: tuple[str, str, str, str], count: int | None = None, offset: int = 0) -> str:
    """fred/series/observations asked for every vintage: real-time periods (realtime_start,
    realtime_end, date, value), in FRED's JSON."""
    return json.dumps(
        {
            "realtime_start": "1776-07-04",
            "realtime_end": "9999-12-31",
            "observation_start": "1600-01-01",
            "observation_end": "9999-12-31",
            "units": "lin",
            "output_type": 1,
            "file_type": "json",
            "order_by": "observation_date",
            "sort_order": "asc",
            "count": len(periods) if count is None else count,
            "offset": offset,
            "limit": 100000,
            "observations": [
                {"realtime_start": rs, "realtime_end": re, "date": d, "value": v}
                for rs, re, d, v in periods
            ],
        }
    )


def series_release_json(release_id: int, name: str) -> dict:
    """fred/series/release: the series' release, in FRED's JSON."""
    return {
        "realtime_start": "2026-02-01",
        "realtime_end": "2026-02-01",
        "releases": [
            {
                "id": release_id,
                "realtime_start": "2026-02-01",
                "realtime_end": "2026-02-01",
                "name": name,
                "press_release": True,
                "link": "http://www.bls.gov/ces/",
            }
        ],
    }


def release_dates_json(release_id: int, *days: str) -> dict:
    """fred/release/dates, every date (include_release_dates_with_no_data), in FRED's JSON."""
    return {
        "realtime_start": "1776-07-04",
        "realtime_end": "9999-12-31",
        "order_by": "release_date",
        "sort_order": "asc",
        "count": len(days),
        "offset": 0,
        "limit": 10000,
        "release_dates": [{"release_id": release_id, "date": d} for d in days],
    }


def serve_release(httpserver, series_id: str, release_id: int, *days: str) -> None:
    """The series' release and its dates, answered only to the exact requests FRED documents."""
    httpserver.expect_request(
        "/fred/series/release",
        query_string={"series_id": series_id, "api_key": SECRET, "file_type": "json"},
    ).respond_with_json(series_release_json(release_id, "Employment Situation"))
    httpserver.expect_request(
        "/fred/release/dates",
        query_string={
            "release_id": str(release_id),
            "api_key": SECRET,
            "file_type": "json",
            "include_release_dates_with_no_data": "true",
            **EVERY_VINTAGE,
            "limit": "10000",
            "sort_order": "asc",
        },
    ).respond_with_json(release_dates_json(release_id, *days))


def observations_query(series_id: str, start: str, end: str, **more: str) -> dict:
    return {
        "series_id": series_id,
        "api_key": SECRET,
        "file_type": "json",
        "observation_start": start,
        "observation_end": end,
        **EVERY_VINTAGE,
        **more,
    }


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [
        (r.date.strftime("%Y-%m-%d"), r.realtime_start.strftime("%Y-%m-%d"), r.value, r.kind)
        for r in frame.rename(columns={"realtime_kind": "kind"}).itertuples()
    ]


@pytest.fixture
def calendar(monkeypatch):
    """The release calendar as a stub: an observation is released 1 month and 4 days later."""
    monkeypatch.setattr(
        releases,
        "release_dates",
        lambda series_id, dates: pd.to_datetime(dates) + pd.DateOffset(months=1, days=4),
    )


def test_graph_csv_with_observation_date_header(httpserver, http, base_url):
    httpserver.expect_request(
        GRAPH, query_string={"id": "DGS10", "cosd": "2026-01-01", "coed": "2026-01-31"}
    ).respond_with_data(GRAPH_CSV, content_type="text/csv")
    frame = Fred(http, graph_url=base_url).observations("DGS10", START, END)
    # each row says where it came from (a refused load names it)
    assert set(frame.pop(ORIGIN)) == {f"{base_url}{GRAPH}?id=DGS10&cosd=2026-01-01&coed=2026-01-31"}
    # '.' and the empty cell are missing observations: those rows are absent, not NaN
    assert frame.to_dict("list") == {
        "series_id": ["DGS10", "DGS10"],
        "date": [pd.Timestamp("2026-01-02"), pd.Timestamp("2026-01-07")],
        "value": [4.19, 4.15],
    }
    assert frame["date"].dtype == "datetime64[ns]" and frame["value"].dtype == float


def test_graph_csv_with_the_older_date_header(httpserver, http, base_url):
    httpserver.expect_request(GRAPH).respond_with_data(OLD_GRAPH_CSV, content_type="text/csv")
    frame = Fred(http, graph_url=base_url).observations("UNRATE", date(2025, 1, 1), END)
    assert frame["date"].dt.strftime("%Y-%m").tolist() == ["2025-09", "2025-11"]
    assert frame["value"].tolist() == [4.4, 4.6]


def test_graph_csv_of_another_series_or_header_is_refused(httpserver, http, base_url):
    httpserver.expect_request(GRAPH).respond_with_data("day,DGS2\n2026-01-02,1\n")
    with pytest.raises(FetchError, match="DGS2: unexpected CSV header"):
        Fred(http, graph_url=base_url).observations("DGS2", START, END)
    httpserver.clear()
    httpserver.expect_request(GRAPH).respond_with_data(GRAPH_CSV)
    with pytest.raises(FetchError, match="holds series 'DGS10'"):
        Fred(http, graph_url=base_url).observations("DGS2", START, END)


def test_graph_csv_cut_mid_row_is_not_loaded(httpserver, http, base_url):
    httpserver.expect_request(GRAPH).respond_with_data(
        "observation_date,DGS10\n2026-01-02,4.19\n2026-01-0"
    )
    with pytest.raises(FetchError, match="line 3 has 1 field.* truncated"):
        Fred(http, graph_url=base_url).observations("DGS10", START, END)


def test_graph_csv_unknown_series(httpserver, http, base_url):
    httpserver.expect_request(GRAPH).respond_with_data("Series not found", status=404)
    with pytest.raises(FetchError, match="FRED does not know series 'NOPE'"):
        Fred(http, graph_url=base_url).observations("NOPE", START, END)


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


@pytest.mark.parametrize("endpoint", ["/fred/series/release", "/fred/release/dates"])
def test_api_release_errors_never_show_the_key(httpserver, http, base_url, endpoint):
    httpserver.expect_request(API).respond_with_data(
        api_json(("2026-01-06", "9999-12-31", "2026-01-05", "4.17")),
        content_type="application/json",
    )
    if endpoint == "/fred/release/dates":
        httpserver.expect_request("/fred/series/release").respond_with_json(
            series_release_json(18, "H.15 Selected Interest Rates")
        )
    error = {"error_code": 400, "error_message": "Bad Request.  The release does not exist."}
    httpserver.expect_request(endpoint).respond_with_json(error, status=400)
    with pytest.raises(FetchError, match="The release does not exist") as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)
    assert caught.value.key == "DGS10" and endpoint in caught.value.where
    assert SECRET not in str(caught.value) and "api_key=***" in caught.value.where


def test_api_series_without_a_release_is_refused(httpserver, http, base_url):
    httpserver.expect_request(API).respond_with_data(
        api_json(("2026-01-06", "9999-12-31", "2026-01-05", "4.17")),
        content_type="application/json",
    )
    httpserver.expect_request("/fred/series/release").respond_with_json({"releases": []})
    with pytest.raises(FetchError, match="names no release"):
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)


def test_api_unknown_series_never_shows_the_key(httpserver, http, base_url):
    error = {"error_code": 400, "error_message": "Bad Request.  The series does not exist."}
    httpserver.expect_request(API).respond_with_json(error, status=400)
    with pytest.raises(FetchError) as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations("NOPE", START, END)
    message = str(caught.value)
    assert (
        message.startswith("NOPE: FRED does not know series 'NOPE'") and "does not exist" in message
    )
    assert SECRET not in message and "api_key=***" in message


def test_api_rejected_key(httpserver, http, base_url):
    error = {
        "error_code": 400,
        "error_message": "Bad Request.  The value for variable api_key is not registered.",
    }
    httpserver.expect_request(API).respond_with_json(error, status=400)
    with pytest.raises(FetchError, match="check FRED_API_KEY") as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)
    assert SECRET not in str(caught.value)


# FRED's own error messages (https://fred.stlouisfed.org/docs/api/fred/errors.html), in the two
# forms it answers with: JSON ({"error_code", "error_message"}) and XML (<error code message/>)
BAD_KEY = (
    "Bad Request.  Variable api_key is not a 32 character alpha-numeric lower-case string."
    "  Read https://fred.stlouisfed.org/docs/api/api_key.html for more information."
)
NO_SERIES = "Bad Request.  The series does not exist."
# a message about another variable, naming api_key only in passing (a link to its page)
BAD_DATE = (
    "Bad Request.  Variable observation_start is not a valid date."
    "  Read https://fred.stlouisfed.org/docs/api/api_key.html for more information."
)


def serve_fred_error(httpserver, message: str, form: str) -> None:
    if form == "json":
        body, content_type = json.dumps({"error_code": 400, "error_message": message}), "json"
    else:
        body = f'<?xml version="1.0" encoding="utf-8" ?>\n<error code="400" message="{message}"/>'
        content_type = "xml"
    httpserver.expect_request(API).respond_with_data(
        body, status=400, content_type=f"application/{content_type}; charset=UTF-8"
    )


def _fred_error(http, base_url, series_id: str = "DGS10") -> FetchError:
    with pytest.raises(FetchError) as caught:
        Fred(http, api_url=base_url, api_key=SECRET).observations(series_id, START, END)
    error = caught.value
    assert error.key == series_id and f"series_id={series_id}" in error.where
    assert SECRET not in str(error) and "api_key=***" in error.where
    return error


@pytest.mark.parametrize("form", ["json", "xml"])
def test_api_a_rejected_key_says_so_with_freds_message(httpserver, http, base_url, form):
    serve_fred_error(httpserver, BAD_KEY, form)
    error = _fred_error(http, base_url)
    assert error.problem.startswith(f"FRED rejected the API key ({BAD_KEY!r}): check FRED_API_KEY")


@pytest.mark.parametrize("form", ["json", "xml"])
def test_api_an_unknown_series_says_so_in_either_form(httpserver, http, base_url, form):
    serve_fred_error(httpserver, NO_SERIES, form)
    error = _fred_error(http, base_url, "NOPE")
    assert error.problem.startswith(
        f"FRED does not know series 'NOPE' (the API said: {NO_SERIES!r})"
    )


@pytest.mark.parametrize("form", ["json", "xml"])
def test_api_another_400_is_freds_message_not_a_rejected_key(httpserver, http, base_url, form):
    """A message naming api_key without being about the key's variable is no rejected key."""
    serve_fred_error(httpserver, BAD_DATE, form)
    error = _fred_error(http, base_url)
    assert "rejected" not in error.problem and "FRED_API_KEY" not in error.problem
    assert error.problem.startswith(
        f"FRED refused the request for series DGS10 (HTTP 400): {BAD_DATE!r}"
    )


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
def test_graph_csv_on_a_hostile_endpoint(hostile, base_url, mode):
    frame = hostile(
        mode,
        GRAPH,
        Ok(GRAPH_CSV, "text/csv"),
        lambda client: Fred(client, graph_url=base_url).observations("DGS10", START, END),
        "DGS10",
    )
    if frame is not None:
        assert frame["value"].tolist() == [4.19, 4.15]


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
