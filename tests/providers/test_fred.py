"""FRED: the keyless graph CSV (both header spellings, '.' for missing) and the keyed API."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from provider_fakes import HOSTILE_MODES, Ok

from dagster_project.sources.base import FetchError
from dagster_project.sources.fred import Fred

START, END = date(2026, 1, 1), date(2026, 1, 31)
GRAPH = "/graph/fredgraph.csv"
API = "/fred/series/observations"
SECRET = "SECRETKEY"

GRAPH_CSV = "observation_date,DGS10\n2026-01-02,4.19\n2026-01-05,.\n2026-01-06,\n2026-01-07,4.15\n"
OLD_GRAPH_CSV = "DATE,UNRATE\n2025-09-01,4.4\n2025-10-01,.\n2025-11-01,4.6\n"


def api_json(*observations: tuple[str, str]) -> str:
    return json.dumps(
        {
            "realtime_start": "2026-02-01",
            "realtime_end": "2026-02-01",
            "count": len(observations),
            "observations": [
                {
                    "realtime_start": "2026-02-01",
                    "realtime_end": "2026-02-01",
                    "date": d,
                    "value": v,
                }
                for d, v in observations
            ],
        }
    )


def test_graph_csv_with_observation_date_header(httpserver, http, base_url):
    httpserver.expect_request(
        GRAPH, query_string={"id": "DGS10", "cosd": "2026-01-01", "coed": "2026-01-31"}
    ).respond_with_data(GRAPH_CSV, content_type="text/csv")
    frame = Fred(http, graph_url=base_url).observations("DGS10", START, END)
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


def test_api_observations_with_vintage(httpserver, http, base_url):
    httpserver.expect_request(
        API,
        query_string={
            "series_id": "UNRATE",
            "api_key": SECRET,
            "file_type": "json",
            "observation_start": "2025-09-01",
            "observation_end": "2026-01-31",
        },
    ).respond_with_data(
        api_json(("2025-09-01", "4.4"), ("2025-10-01", "."), ("2025-11-01", "4.6")),
        content_type="application/json",
    )
    frame = Fred(http, api_url=base_url, api_key=SECRET).observations(
        "UNRATE", date(2025, 9, 1), END
    )
    assert frame.to_dict("list") == {
        "series_id": ["UNRATE", "UNRATE"],
        "date": [pd.Timestamp("2025-09-01"), pd.Timestamp("2025-11-01")],
        "value": [4.4, 4.6],
    }  # no realtime_start: it is the request's real-time period (today), not a publication


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


def test_api_json_cut_in_half(httpserver, http, base_url):
    body = api_json(("2026-01-02", "4.19"), ("2026-01-05", "4.17"))
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
def test_api_on_a_hostile_endpoint_never_shows_the_key(hostile, base_url, mode):
    ok = Ok(api_json(("2026-01-02", "4.19")), "application/json")

    def fetch(client):
        try:
            return Fred(client, api_url=base_url, api_key=SECRET).observations("DGS10", START, END)
        except FetchError as err:
            assert SECRET not in str(err) and SECRET not in err.where
            raise

    frame = hostile(mode, API, ok, fetch, "DGS10")
    if frame is not None:
        assert frame["value"].tolist() == [4.19]
