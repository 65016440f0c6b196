"""The live source: which provider serves which key, fallbacks, and what has no live provider."""

from __future__ import annotations

import inspect
import io
import json
import logging
from datetime import date

import pandas as pd
import pytest
from openpyxl import Workbook
from provider_fakes import Arrivals, status
from werkzeug import Response

from dagster_project.sources.base import FetchError, NotProvided
from dagster_project.sources.live import LiveSource

SECRET = "SECRETKEY"
START, END = date(2026, 1, 5), date(2026, 1, 9)
CHART = json.dumps(
    {
        "chart": {
            "result": [
                {
                    "meta": {"exchangeTimezoneName": "America/New_York"},
                    "timestamp": [1767623400],  # 2026-01-05 09:30 New York
                    "indicators": {"quote": [{"close": [2600.5]}]},
                }
            ],
            "error": None,
        }
    }
)
NOT_FOUND = {"chart": {"result": None, "error": {"code": "Not Found", "description": "gone"}}}
STOOQ_CSV = "Date,Open,High,Low,Close,Volume\n2026-01-05,250,252,249,251.5,30000000\n"
HOLDINGS = (
    "Made-Up ETF\n"
    'Fund Holdings as of,"Jun 19, 2026"\n'
    'Shares Outstanding,"2,000.00"\n'
    "\n"
    "Ticker,Name,Market Value\n"
    '"AAA","A CORP","300,000.00"\n'
    '"USD","USD CASH","100,000.00"\n'
    "\n"
    '"Made-up footer."\n'
)


def live(base_url: str, **kwargs) -> LiveSource:
    urls = ("fred_graph_url", "fred_api_url", "yahoo_url", "stooq_url", "ishares_url", "spdr_url")
    options = {url: base_url for url in urls} | {"timeout": 2.0, "retries": 1, "backoff": 0.01}
    options["rate"] = None  # unpaced: politeness has its own tests (test_politeness.py)
    return LiveSource(**(options | kwargs))


def test_constructor_parameters_are_the_ones_the_settings_use():
    expected = (
        "fred_graph_url fred_api_url fred_api_key yahoo_url stooq_url stooq_api_key ishares_url"
        " spdr_url timeout retries backoff concurrency rate ishares_history_days"
        " ishares_holdings_months"
    )
    assert list(inspect.signature(LiveSource).parameters) == expected.split()
    assert LiveSource().name == "live"


def test_prices_come_from_yahoo_with_the_seed_symbol(httpserver, base_url, caplog):
    handler = Arrivals([lambda: Response(CHART, content_type="application/json")])
    httpserver.expect_request("/v8/finance/chart/^RUT").respond_with_handler(handler)
    with caplog.at_level(logging.INFO, logger="dagster_project"):
        frame = live(base_url).prices("^RUT", START, END)
    assert handler.uris[0].startswith("/v8/finance/chart/%5ERUT?")
    assert frame[["symbol", "date", "close"]].to_dict("list") == {
        "symbol": ["^RUT"],
        "date": [pd.Timestamp("2026-01-05")],
        "close": [2600.5],
    }
    assert "^RUT: 1 rows served by Yahoo" in caplog.text


def test_stooq_serves_when_yahoo_fails_and_a_key_is_set(httpserver, base_url, caplog):
    httpserver.expect_request("/v8/finance/chart/IWM").respond_with_json(NOT_FOUND, status=404)
    query = {"s": "iwm.us", "i": "d", "d1": "20260105", "d2": "20260109", "apikey": SECRET}
    httpserver.expect_request("/q/d/l/", query_string=query).respond_with_data(STOOQ_CSV)
    with caplog.at_level(logging.INFO, logger="dagster_project"):
        frame = live(base_url, stooq_api_key=SECRET).prices("IWM", START, END)
    assert frame["close"].tolist() == [251.5] and frame["adj_close"].isna().all()
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")
    assert "IWM: Yahoo failed" in ours and "IWM: 1 rows served by Stooq" in ours
    assert SECRET not in ours  # (the test server's own access log is not ours)


def test_without_a_stooq_key_the_yahoo_error_stands(httpserver, base_url):
    httpserver.expect_request("/v8/finance/chart/IWM").respond_with_json(NOT_FOUND, status=404)
    with pytest.raises(FetchError, match="IWM: Yahoo does not know symbol 'IWM'"):
        live(base_url).prices("IWM", START, END)
    assert len(httpserver.log) == 1


def test_both_price_providers_failing(httpserver, base_url):
    httpserver.expect_request("/v8/finance/chart/IWM").respond_with_handler(Arrivals([status(503)]))
    httpserver.expect_request("/q/d/l/").respond_with_data(
        "<html><body>key?</body></html>", content_type="text/html"
    )
    with pytest.raises(FetchError) as caught:
        live(base_url, stooq_api_key=SECRET).prices("IWM", START, END)
    message = str(caught.value)
    assert message.startswith("IWM: Yahoo failed (HTTP 503") and "STOOQ_API_KEY" in message
    assert SECRET not in message


def test_macro_from_the_graph_csv_without_a_key(httpserver, base_url):
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_data(
        "observation_date,DFF\n2026-01-05,3.64\n2026-01-06,.\n"
    )
    frame = live(base_url).macro("DFF", START, END)
    assert frame["value"].tolist() == [3.64]


def test_macro_from_the_api_with_a_key(httpserver, base_url):
    # every vintage: DFF of 2026-01-05, published 2026-01-06 (H.15's next release, id 18)
    every_vintage = {"realtime_start": "1776-07-04", "realtime_end": "9999-12-31"}
    period = {"realtime_start": "2026-01-06", "realtime_end": "9999-12-31"}
    query = {
        "series_id": "DFF",
        "api_key": SECRET,
        "file_type": "json",
        "observation_start": "2026-01-05",
        "observation_end": "2026-01-09",
        **every_vintage,
    }
    httpserver.expect_request("/fred/series/observations", query_string=query).respond_with_json(
        {"count": 1, "observations": [{**period, "date": "2026-01-05", "value": "3.64"}]}
    )
    httpserver.expect_request("/fred/series/release").respond_with_json(
        {"releases": [{"id": 18, "name": "H.15 Selected Interest Rates"}]}
    )
    httpserver.expect_request("/fred/release/dates").respond_with_json(
        {"count": 1, "release_dates": [{"release_id": 18, "date": "2026-01-06"}]}
    )
    frame = live(base_url, fred_api_key=SECRET).macro("DFF", START, END)
    assert frame["value"].tolist() == [3.64]
    assert frame["realtime_start"].tolist() == [pd.Timestamp("2026-01-06")]
    assert frame["realtime_kind"].tolist() == ["vintage"]


def test_ishares_fund_data_for_an_ishares_etf(httpserver, base_url):
    httpserver.expect_request(
        "/us/products/239710/ishares-russell-2000-etf/1467271812596.ajax"
    ).respond_with_data(HOLDINGS)
    source = live(base_url, ishares_history_days=0)
    frame = source.etf_shares("IWM", date(2026, 6, 1), date(2026, 6, 30))
    assert frame[["shares_outstanding", "nav", "total_net_assets"]].iloc[0].tolist() == [
        2000.0,
        200.0,  # (300,000 + 100,000) / 2,000
        400_000.0,
    ]
    assert len(httpserver.log) == 1  # history_days=0: today's file only


def test_spdr_fund_data_for_spy(httpserver, base_url):
    book = Workbook()
    book.active.append(["SPDR test"])
    book.active.append(["Date", "NAV", "Shares Outstanding", "Total Net Assets"])
    book.active.append(["05-Jan-2026", "600.00", "1,000", "600,000"])
    body = io.BytesIO()
    book.save(body)
    httpserver.expect_request(
        "/us/en/intermediary/library-content/products/fund-data/etfs/us/navhist-us-en-spy.xlsx"
    ).respond_with_data(body.getvalue())
    frame = live(base_url).etf_shares("SPY", START, END)
    assert frame["nav"].tolist() == [600.0] and frame["shares_outstanding"].tolist() == [1000.0]


def test_no_live_provider_for_other_issuers_or_valuations(httpserver, base_url):
    source = live(base_url)
    with pytest.raises(NotProvided, match="no live provider for invesco fund data; drop a file"):
        source.etf_shares("RSP", START, END)
    with pytest.raises(NotProvided, match="no live provider for non-fund fund data"):
        source.etf_shares("^RUT", START, END)
    with pytest.raises(NotProvided, match="no free live provider .* valuations/"):
        source.valuations("^RUT", START, END)
    assert httpserver.log == []


def test_a_symbol_missing_from_the_seed_is_a_fund_member_asked_for_by_its_ticker(
    httpserver, base_url
):
    """Members of a fund are not in the seed: Yahoo writes class shares with a dash."""
    for ticker in ("BRK-B", "ACME"):
        httpserver.expect_request(f"/v8/finance/chart/{ticker}").respond_with_data(
            CHART, content_type="application/json"
        )
    source = live(base_url)
    for symbol in ("BRKB", "BRK.B", "ACME"):
        frame = source.prices(symbol, START, END)
        assert frame["symbol"].tolist() == [symbol] and frame["close"].tolist() == [2600.5]


def test_a_member_that_fails_names_its_symbol_and_url(httpserver, base_url):
    httpserver.expect_request("/v8/finance/chart/ZZZZ").respond_with_data("gone", status=404)
    with pytest.raises(FetchError, match=r"ZZZZ: HTTP 404.*/v8/finance/chart/ZZZZ"):
        live(base_url).prices("ZZZZ", START, END)
