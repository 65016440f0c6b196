"""Yahoo's chart API: arrays with nulls, indices without adjclose, chart.error, ^ in the URL."""

from __future__ import annotations

import json
import math
from datetime import date

import pandas as pd
import pytest
from provider_fakes import HOSTILE_MODES, Arrivals, Ok
from werkzeug import Response

from dagster_project.sources.base import ORIGIN, FetchError
from dagster_project.sources.yahoo import Yahoo
from dagster_project.warehouse import PRICES

START, END = date(2026, 1, 5), date(2026, 1, 9)
NOT_FOUND = {
    "chart": {
        "result": None,
        "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"},
    }
}


def unix(local: str) -> int:
    """Seconds since the epoch of a New York wall-clock time."""
    return int(pd.Timestamp(local, tz="America/New_York").timestamp())


def chart(
    times: list[str], quote: dict[str, list], adjclose: list | None = None, zone="America/New_York"
) -> str:
    indicators: dict[str, object] = {"quote": [quote]}
    if adjclose is not None:
        indicators["adjclose"] = [{"adjclose": adjclose}]
    result = {
        "meta": {"currency": "USD", "symbol": "X", "exchangeTimezoneName": zone},
        "timestamp": [unix(t) for t in times],
        "indicators": indicators,
    }
    return json.dumps({"chart": {"result": [result], "error": None}})


# IWM: Monday..Thursday; Tuesday's close is null (a halted day): that row is dropped.
IWM = chart(
    ["2026-01-05 09:30", "2026-01-06 09:30", "2026-01-07 09:30", "2026-01-08 09:30"],
    {
        "open": [250.0, 251.0, None, 252.5],
        "high": [252.0, 253.0, 254.0, 255.0],
        "low": [249.0, 250.0, 251.0, 251.5],
        "close": [251.5, None, 253.25, 254.0],
        "volume": [30_000_000, 31_000_000, None, 29_500_000],
    },
    adjclose=[250.9, None, 253.25, 254.0],
)
# ^RUT: an index, no adjclose. The Friday bar is stamped 23:00 New York time (04:00 UTC on
# Saturday): its exchange-local date is still Friday.
RUT = chart(
    ["2026-01-08 09:30", "2026-01-09 23:00"],
    {
        "open": [2600.0, 2610.0],
        "high": [2620.0, 2630.0],
        "low": [2590.0, 2600.0],
        "close": [2615.5, 2625.75],
        "volume": [0, 0],
    },
)


def test_prices_drop_rows_whose_close_is_null(httpserver, http, base_url):
    httpserver.expect_request(
        "/v8/finance/chart/IWM",
        query_string={
            "period1": str(unix("2026-01-04 19:00")),  # 2026-01-05 00:00 UTC
            "period2": str(unix("2026-01-09 19:00")),  # 2026-01-10 00:00 UTC: end is inclusive
            "interval": "1d",
            "events": "div,split",
            "includeAdjustedClose": "true",
        },
    ).respond_with_data(IWM, content_type="application/json")
    frame = Yahoo(http, base_url=base_url).prices("IWM", START, END)
    assert frame["date"].tolist() == [
        pd.Timestamp(d) for d in ("2026-01-05", "2026-01-07", "2026-01-08")
    ]
    assert frame["close"].tolist() == [251.5, 253.25, 254.0]
    assert frame["adj_close"].tolist() == [250.9, 253.25, 254.0]
    assert frame.loc[0, ["open", "high", "low", "volume"]].tolist() == [250.0, 252.0, 249.0, 3e7]
    assert math.isnan(frame.loc[1, "open"]) and math.isnan(frame.loc[1, "volume"])
    assert (frame["symbol"] == "IWM").all()
    assert list(frame.columns) == [*PRICES.columns, ORIGIN]


def test_a_null_adjusted_close_beside_a_close_gets_its_neighbours_adjustment(
    httpserver, http, base_url
):
    days = ["2026-01-05 09:30", "2026-01-06 09:30", "2026-01-07 09:30"]
    quote = {"close": [100.0, 102.0, 101.0]}
    body = chart(days, quote, adjclose=[None, 100.98, None])  # 0.99 of the close
    httpserver.expect_request("/v8/finance/chart/SPY").respond_with_data(
        body, content_type="application/json"
    )
    frame = Yahoo(http, base_url=base_url).prices("SPY", START, END)
    # the first row takes the next row's factor (0.99), the last the row before's
    assert frame["adj_close"].tolist() == pytest.approx([99.0, 100.98, 99.99], rel=1e-12)


def test_index_symbol_is_url_encoded_and_has_no_adjclose(httpserver, http, base_url):
    handler = Arrivals([lambda: Response(RUT, content_type="application/json")])
    httpserver.expect_request("/v8/finance/chart/^RUT").respond_with_handler(handler)
    frame = Yahoo(http, base_url=base_url).prices("^RUT", START, END)
    assert handler.uris[0].startswith("/v8/finance/chart/%5ERUT?")  # what went over the wire
    assert frame["symbol"].tolist() == ["^RUT", "^RUT"]
    assert frame["date"].tolist() == [pd.Timestamp("2026-01-08"), pd.Timestamp("2026-01-09")]
    assert frame["close"].tolist() == [2615.5, 2625.75]
    assert frame["adj_close"].isna().all()


def test_provider_ticker_differs_from_project_symbol(httpserver, http, base_url):
    httpserver.expect_request("/v8/finance/chart/^GSPC").respond_with_data(RUT)
    frame = Yahoo(http, base_url=base_url).prices("SPX", START, END, ticker="^GSPC")
    assert frame["symbol"].tolist() == ["SPX", "SPX"]


@pytest.mark.parametrize("code", [404, 200])
def test_chart_error_means_unknown_symbol(httpserver, http, base_url, code):
    httpserver.expect_request("/v8/finance/chart/NOPE").respond_with_json(NOT_FOUND, status=code)
    with pytest.raises(FetchError, match="NOPE: Yahoo does not know symbol 'NOPE'.*delisted"):
        Yahoo(http, base_url=base_url).prices("NOPE", START, END)


def test_a_range_without_trading_days_is_empty(httpserver, http, base_url):
    empty = {
        "chart": {
            "result": [
                {
                    "meta": {"exchangeTimezoneName": "America/New_York"},
                    "indicators": {"quote": [{}]},
                }
            ],
            "error": None,
        }
    }
    httpserver.expect_request("/v8/finance/chart/IWM").respond_with_json(empty)
    frame = Yahoo(http, base_url=base_url).prices("IWM", date(2026, 1, 3), date(2026, 1, 4))
    assert frame.empty and "close" in frame.columns  # a weekend
    # the same answer for a range with trading days: Yahoo has nothing, which is an error
    with pytest.raises(
        FetchError, match="no prices of .IWM. on the 2 trading days from 2026-01-05"
    ):
        Yahoo(http, base_url=base_url).prices("IWM", date(2026, 1, 3), date(2026, 1, 6))


def test_json_cut_in_half(httpserver, http, base_url):
    httpserver.expect_request("/v8/finance/chart/IWM").respond_with_data(IWM[: len(IWM) // 2])
    with pytest.raises(FetchError, match="IWM: invalid JSON"):
        Yahoo(http, base_url=base_url).prices("IWM", START, END)


def test_arrays_shorter_than_the_timestamps(httpserver, http, base_url):
    body = chart(["2026-01-05 09:30", "2026-01-06 09:30"], {"close": [1.0]})
    httpserver.expect_request("/v8/finance/chart/IWM").respond_with_data(body)
    with pytest.raises(FetchError, match="close has 1 values for 2 timestamps"):
        Yahoo(http, base_url=base_url).prices("IWM", START, END)


@pytest.mark.parametrize("mode", HOSTILE_MODES)
def test_on_a_hostile_endpoint(hostile, base_url, mode):
    frame = hostile(
        mode,
        "/v8/finance/chart/IWM",
        Ok(IWM, "application/json"),
        lambda client: Yahoo(client, base_url=base_url).prices("IWM", START, END),
        "IWM",
    )
    if frame is not None:
        assert frame["close"].tolist() == [251.5, 253.25, 254.0]
