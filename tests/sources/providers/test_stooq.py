"""Stooq: the daily CSV with an API key, its key page served as HTML, 'No data', cut rows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from provider_fakes import HOSTILE_MODES, Ok

from dagster_project.sources.base import ORIGIN, FetchError
from dagster_project.sources.stooq import Stooq

START, END = date(2026, 1, 5), date(2026, 1, 9)
PATH = "/q/d/l/"
SECRET = "SECRETKEY"
IWM_CSV = (
    "Date,Open,High,Low,Close,Volume\r\n"
    "2026-01-05,250,252,249,251.5,30000000\r\n"
    "2026-01-06,251,253,250,252.25,31000000\r\n"
)
KEY_PAGE = (
    "<!DOCTYPE html><html><head><title>Stooq</title></head>"
    "<body>An API key is required: get yours at stooq.com</body></html>"
)


def stooq(http, base_url: str, key: str | None = SECRET) -> Stooq:
    return Stooq(http, base_url=base_url, api_key=key)


def test_daily_csv(httpserver, http, base_url):
    httpserver.expect_request(
        PATH,
        query_string={
            "s": "iwm.us",
            "i": "d",
            "d1": "20260105",
            "d2": "20260109",
            "apikey": SECRET,
        },
    ).respond_with_data(IWM_CSV, content_type="text/csv")
    frame = stooq(http, base_url).prices("IWM", START, END, ticker="iwm.us")
    assert frame.drop(columns=["adj_close", ORIGIN]).to_dict("list") == {
        "symbol": ["IWM", "IWM"],
        "date": [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-06")],
        "open": [250.0, 251.0],
        "high": [252.0, 253.0],
        "low": [249.0, 250.0],
        "close": [251.5, 252.25],
        "volume": [3.0e7, 3.1e7],
    }
    assert frame["adj_close"].isna().all()  # Stooq's closes are not dividend-adjusted


def test_index_csv_without_volume(httpserver, http, base_url):
    body = "Date,Open,High,Low,Close\n2026-01-08,2600,2620,2590,2615.5\n"
    httpserver.expect_request(
        PATH,
        query_string={"s": "^rut", "i": "d", "d1": "20260105", "d2": "20260109", "apikey": SECRET},
    ).respond_with_data(body)
    frame = stooq(http, base_url).prices("^RUT", START, END, ticker="^rut")
    assert frame["close"].tolist() == [2615.5] and frame["volume"].isna().all()


def test_html_page_means_a_missing_or_invalid_key(httpserver, http, base_url):
    httpserver.expect_request(PATH).respond_with_data(KEY_PAGE, content_type="text/html")
    with pytest.raises(FetchError, match="STOOQ_API_KEY is missing or invalid") as caught:
        stooq(http, base_url).prices("IWM", START, END, ticker="iwm.us")
    assert SECRET not in str(caught.value) and "apikey=***" in str(caught.value)


def test_no_key_fails_before_asking(httpserver, http, base_url):
    with pytest.raises(FetchError, match="no Stooq API key: set STOOQ_API_KEY"):
        stooq(http, base_url, key=None).prices("IWM", START, END, ticker="iwm.us")
    assert httpserver.log == []


def test_no_data_means_unknown_symbol(httpserver, http, base_url):
    httpserver.expect_request(PATH).respond_with_data("No data")
    with pytest.raises(FetchError, match="Stooq has no data for 'nope.us'.*stooq_symbol") as caught:
        stooq(http, base_url).prices("NOPE", START, END, ticker="nope.us")
    assert SECRET not in str(caught.value)


def test_last_row_cut_mid_line_is_not_loaded(httpserver, http, base_url):
    httpserver.expect_request(PATH).respond_with_data(IWM_CSV + "2026-01-07,252,254")
    with pytest.raises(FetchError, match="line 4 has 3 field.* truncated"):
        stooq(http, base_url).prices("IWM", START, END, ticker="iwm.us")


def test_a_text_answer_that_is_not_the_csv(httpserver, http, base_url):
    httpserver.expect_request(PATH).respond_with_data("Exceeded the daily hits limit")
    with pytest.raises(FetchError, match="not Stooq's price CSV .*Exceeded"):
        stooq(http, base_url).prices("IWM", START, END, ticker="iwm.us")


@pytest.mark.parametrize("mode", HOSTILE_MODES)
def test_on_a_hostile_endpoint_never_shows_the_key(hostile, base_url, mode):
    def fetch(client):
        try:
            return stooq(client, base_url).prices("IWM", START, END, ticker="iwm.us")
        except FetchError as err:
            assert SECRET not in str(err)
            raise

    frame = hostile(mode, PATH, Ok(IWM_CSV, "text/csv"), fetch, "IWM")
    if frame is not None:
        assert frame["close"].tolist() == [251.5, 252.25]
