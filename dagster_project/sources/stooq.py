"""Stooq daily CSV, usable only with an API key (required since March 2026).

``GET {base_url}/q/d/l/?s=<stooq symbol>&i=d&d1=YYYYMMDD&d2=YYYYMMDD&apikey=<key>``, a CSV
``Date,Open,High,Low,Close,Volume`` (indices may lack Volume). Without a valid key Stooq serves an
HTML page with status 200; an unknown symbol gets the body ``No data``. Stooq's closes are not
dividend-adjusted, so ``adj_close`` is NaN.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dagster_project.sources.base import ORIGIN, FetchError
from dagster_project.sources.http import (
    HtmlPageError,
    HttpClient,
    csv_table,
    parse_dates,
    parse_numbers,
)

COLUMNS = ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume"]
KEY_HELP = "set STOOQ_API_KEY to a valid key from stooq.com (required since March 2026)"


class Stooq:
    """Daily prices of one symbol at a time from Stooq."""

    def __init__(
        self, http: HttpClient, *, base_url: str = "https://stooq.com", api_key: str | None = None
    ):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key or None

    def prices(
        self, symbol: str, start: date, end: date, *, ticker: str | None = None
    ) -> pd.DataFrame:
        """symbol, date, open, high, low, close, adj_close (NaN), volume.

        ``ticker`` is Stooq's symbol (the ``stooq_symbol`` column of the instruments seed, e.g.
        ``iwm.us``, ``^rut``); ``symbol`` is what the rows say.
        """
        ticker = ticker or symbol
        url = f"{self.base_url}/q/d/l/"
        params = {
            "s": ticker,
            "i": "d",
            "d1": start.strftime("%Y%m%d"),
            "d2": end.strftime("%Y%m%d"),
            "apikey": self.api_key or "",
        }
        secrets = (self.api_key,) if self.api_key else ()
        where = self.http.where(url, params, secrets)
        if not self.api_key:
            raise FetchError(symbol, where, f"no Stooq API key: {KEY_HELP}")
        try:
            text = self.http.get_text(symbol, url, params, secrets=secrets)
        except HtmlPageError:
            raise FetchError(
                symbol,
                where,
                f"Stooq served an HTML page: STOOQ_API_KEY is missing or invalid; {KEY_HELP}",
            ) from None
        if text.strip().lower() == "no data":
            raise FetchError(
                symbol,
                where,
                f"Stooq has no data for {ticker!r} in this range: check stooq_symbol in"
                " dbt_models/seeds/instruments.csv",
            )
        table = csv_table(symbol, where, text)
        table.columns = [c.lower() for c in table.columns]
        if not {"date", "close"} <= set(table.columns):
            first = " ".join(text.split())[:120]
            raise FetchError(
                symbol, where, f"not Stooq's price CSV (it starts {first!r}): the format changed"
            )
        frame = pd.DataFrame(
            {"symbol": symbol, "date": parse_dates(symbol, where, table["date"], "%Y-%m-%d")}
        )
        for column in ("open", "high", "low", "close", "volume"):
            frame[column] = (
                parse_numbers(symbol, where, table[column], column) if column in table else np.nan
            )
        frame["adj_close"] = np.nan
        inside = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
        frame = frame[inside & frame["close"].notna()]
        return frame[COLUMNS].reset_index(drop=True).assign(**{ORIGIN: where})
