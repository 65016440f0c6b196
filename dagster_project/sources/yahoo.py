"""Yahoo Finance chart API: daily OHLC, adjusted close and volume.

``GET {base_url}/v8/finance/chart/<URL-encoded symbol>?period1=<unix>&period2=<unix>&interval=1d&
events=div,split&includeAdjustedClose=true`` (``^RUT`` is requested as ``%5ERUT``). The JSON's
``chart.result[0]`` holds ``timestamp[]``, ``meta.exchangeTimezoneName``,
``indicators.quote[0].{open,high,low,close,volume}[]`` and ``indicators.adjclose[0].adjclose[]``
(absent for indices). Arrays may hold nulls: rows without a close are dropped; a null adjusted
close beside a close gets the close times the adjustment (adjclose / close) of the row before
(or after, on the first row): left null, the marts would read an unadjusted close amid adjusted
ones, a false return of the whole adjustment. Dates are the
exchange-local dates of the timestamps. ``chart.error`` (served with HTTP 404 or 200) means Yahoo
does not know the symbol. No rows at all over past trading days is an error too (an empty
result would load nothing and fail nothing).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote

import numpy as np
import pandas as pd

from dagster_project.sources.base import ORIGIN, FetchError, fill_adjustment
from dagster_project.sources.calendar import trading_days
from dagster_project.sources.http import HttpClient, HttpStatusError

QUOTE_FIELDS = ("open", "high", "low", "close", "volume")
COLUMNS = ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume"]


class Yahoo:
    """Daily prices of one symbol at a time from Yahoo's chart API."""

    def __init__(self, http: HttpClient, *, base_url: str = "https://query1.finance.yahoo.com"):
        self.http = http
        self.base_url = base_url.rstrip("/")

    def prices(
        self, symbol: str, start: date, end: date, *, ticker: str | None = None
    ) -> pd.DataFrame:
        """symbol, date, open, high, low, close, adj_close (NaN where absent), volume.

        ``symbol`` is the project's symbol (what the rows say); ``ticker`` is Yahoo's, if it
        differs (the ``yahoo_symbol`` column of the instruments seed).
        """
        ticker = ticker or symbol
        url = f"{self.base_url}/v8/finance/chart/{quote(ticker, safe='')}"
        params = {
            "period1": _unix(start),
            "period2": _unix(end + timedelta(days=1)),
            "interval": "1d",
            "events": "div,split",
            "includeAdjustedClose": "true",
        }
        where = self.http.where(url, params, ())
        try:
            payload = self.http.get_json(symbol, url, params)
        except HttpStatusError as err:
            # Yahoo answers an unknown symbol with 404 and a chart.error JSON body
            _raise_chart_error(symbol, ticker, where, _chart_of(err.body))
            raise
        chart = payload.get("chart") if isinstance(payload, dict) else None
        if not isinstance(chart, dict):
            raise FetchError(symbol, where, "the JSON has no 'chart' object (format changed?)")
        _raise_chart_error(symbol, ticker, where, chart)
        results = chart.get("result")
        if not results:
            raise FetchError(symbol, where, f"Yahoo returned no result for {ticker!r}")
        try:
            frame = _rows(symbol, where, results[0])
        except (ValueError, TypeError, LookupError, AttributeError) as err:
            # a value that is not a number, an unknown time zone, a result that is not an object
            raise FetchError(
                symbol, where, f"unreadable chart JSON ({err!r}): the format changed?"
            ) from None
        inside = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
        frame = frame[inside].reset_index(drop=True)
        closed = trading_days(start, min(end, date.today() - timedelta(days=1)))
        if frame.empty and len(closed):  # a weekend's window is empty; past trading days are not
            raise FetchError(
                symbol,
                where,
                f"Yahoo has no prices of {ticker!r} on the {len(closed)} trading days from"
                f" {closed[0].date()} to {closed[-1].date()}",
            )
        return frame.assign(**{ORIGIN: where})


def _unix(day: date) -> int:
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())


def _chart_of(body: str) -> dict | None:
    try:
        chart = json.loads(body).get("chart")
    except (ValueError, AttributeError):
        return None
    return chart if isinstance(chart, dict) else None


def _raise_chart_error(symbol: str, ticker: str, where: str, chart: dict | None) -> None:
    error = chart.get("error") if chart else None
    if not error:
        return
    if isinstance(error, dict):
        said = f"{error.get('code', '')}: {error.get('description', '')}".strip(": ")
    else:
        said = str(error)
    raise FetchError(
        symbol,
        where,
        f"Yahoo does not know symbol {ticker!r} ({said}): for an instrument, check"
        " yahoo_symbol in dbt_models/seeds/instruments.csv; a fund member may trade under"
        " another ticker at Yahoo, or no longer trade",
    )


def _rows(symbol: str, where: str, result: dict) -> pd.DataFrame:
    """The result's arrays as rows; rows whose close is null are dropped."""
    timestamps = result.get("timestamp") or []
    if not timestamps:  # no trading day in the range: Yahoo leaves the arrays out
        return pd.DataFrame(columns=COLUMNS).astype({"date": "datetime64[ns]"})
    try:
        quotes = result["indicators"]["quote"][0]
        zone = result["meta"]["exchangeTimezoneName"]
    except (KeyError, IndexError, TypeError):
        raise FetchError(
            symbol, where, "the result lacks indicators.quote or meta (format changed?)"
        ) from None
    adjclose = (result["indicators"].get("adjclose") or [{}])[0].get("adjclose")
    columns = {name: quotes.get(name) for name in QUOTE_FIELDS}
    columns["adj_close"] = adjclose if adjclose is not None else [None] * len(timestamps)
    if columns["close"] is None:
        raise FetchError(symbol, where, "the result has no close prices (format changed?)")
    for name, values in columns.items():
        if values is not None and len(values) != len(timestamps):
            raise FetchError(
                symbol,
                where,
                f"{name} has {len(values)} values for {len(timestamps)} timestamps: the"
                " response is inconsistent; re-run",
            )
    local = pd.to_datetime(timestamps, unit="s", utc=True).tz_convert(zone)
    frame = pd.DataFrame(
        {
            "symbol": symbol,
            "date": local.tz_localize(None).normalize().astype("datetime64[ns]"),
            **{
                name: np.nan if values is None else pd.array(values, dtype="Float64")
                for name, values in columns.items()
            },
        }
    )
    frame = frame.astype({name: float for name in columns})
    frame = frame[frame["close"].notna()]
    frame["adj_close"] = fill_adjustment(frame)
    return frame[COLUMNS].drop_duplicates("date", keep="last").reset_index(drop=True)
