"""The ``live`` source: public web endpoints, composed from one provider module each.

- prices: Yahoo's chart API; when ``stooq_api_key`` is set and Yahoo fails for a symbol, Stooq
  (the log says which one served);
- macro: FRED, its API when ``fred_api_key`` is set, else the keyless graph CSV;
- etf_shares: by the fund's issuer (the ``issuer`` column of the instruments seed): iShares'
  holdings CSV or SPDR's NAV history; other issuers have no live provider (``NotProvided``: drop
  a file in the files source's ``etf_shares/`` folder);
- valuations: no free live provider exists (``NotProvided``: use ``valuations/`` files);
- constituents: by the fund's issuer: iShares' holdings CSV (the funds with issuer ``ishares`` in
  the instruments seed); other issuers have no live provider.

Provider symbols of instruments come from the instruments seed (``yahoo_symbol``,
``stooq_symbol``). Members of a fund (symbols of its holdings, not in the seed) are asked for
under their ticker with ``.`` and ``/`` written ``-`` (Yahoo's ``BRK-B``; Stooq's ``brk-b.us``),
except the few class shares iShares writes without a separator (``MEMBER_TICKERS``).

All providers share one ``HttpClient``: its timeout, retries and backoff are set here, and its
politeness: at most ``concurrency`` requests in flight (the loader fetches that many symbols at
once) and at most ``rate`` requests a second to each host.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd

from dagster_project import reference
from dagster_project.sources.base import FetchError, NotProvided
from dagster_project.sources.fred import Fred
from dagster_project.sources.http import HttpClient
from dagster_project.sources.ishares import IShares
from dagster_project.sources.spdr import Spdr
from dagster_project.sources.stooq import Stooq
from dagster_project.sources.yahoo import Yahoo

log = logging.getLogger(__name__)
SEED = "dbt_models/seeds/instruments.csv"
# iShares' tickers of class shares that Yahoo and Stooq write with a separator
MEMBER_TICKERS = {"BRKB": "BRK-B", "BFB": "BF-B"}


class LiveSource:
    """Fetches one symbol or series at a time from FRED, Yahoo, Stooq, iShares and SPDR."""

    name = "live"
    skip_current = True  # a member loaded as far as it is needed is not asked again

    def __init__(
        self,
        *,
        fred_graph_url: str = "https://fred.stlouisfed.org",
        fred_api_url: str = "https://api.stlouisfed.org",
        fred_api_key: str | None = None,
        yahoo_url: str = "https://query1.finance.yahoo.com",
        stooq_url: str = "https://stooq.com",
        stooq_api_key: str | None = None,
        ishares_url: str = "https://www.ishares.com",
        spdr_url: str = "https://www.ssga.com",
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        concurrency: int = 4,
        rate: float | None = 2.0,
        ishares_history_days: int = 10,
        ishares_holdings_months: int = 12,
    ):
        http = HttpClient(
            timeout=timeout, retries=retries, backoff=backoff, concurrency=concurrency, rate=rate
        )
        self.concurrency = concurrency  # the loader fetches this many keys at once
        self.fred = Fred(http, graph_url=fred_graph_url, api_url=fred_api_url, api_key=fred_api_key)
        self.yahoo = Yahoo(http, base_url=yahoo_url)
        self.stooq = (
            Stooq(http, base_url=stooq_url, api_key=stooq_api_key) if stooq_api_key else None
        )
        self.ishares = IShares(
            http,
            base_url=ishares_url,
            history_days=ishares_history_days,
            holdings_months=ishares_holdings_months,
        )
        self.spdr = Spdr(http, base_url=spdr_url)

    def funds(self) -> list[str]:
        """The funds whose holdings (``constituents``) have a live provider: iShares'."""
        return reference.holdings_funds()

    def prices(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """Yahoo, else (with a Stooq key) Stooq; instruments of the seed and fund members."""
        instrument = _instrument(symbol) if symbol in reference.symbols() else _member(symbol)
        try:
            frame = self.yahoo.prices(symbol, start, end, ticker=instrument["yahoo_symbol"])
        except FetchError as yahoo_error:
            if self.stooq is None or not instrument["stooq_symbol"]:
                raise
            log.warning("%s: Yahoo failed (%s); trying Stooq", symbol, yahoo_error)
            try:
                frame = self.stooq.prices(symbol, start, end, ticker=instrument["stooq_symbol"])
            except FetchError as stooq_error:
                raise FetchError(
                    symbol,
                    f"{yahoo_error.where} and {stooq_error.where}",
                    f"Yahoo failed ({yahoo_error.problem}) and Stooq failed"
                    f" ({stooq_error.problem})",
                ) from None
            log.info("%s: %d rows served by Stooq", symbol, len(frame))
            return frame
        log.info("%s: %d rows served by Yahoo", symbol, len(frame))
        return frame

    def macro(self, series_id: str, start: date, end: date) -> pd.DataFrame:
        """FRED: the API with a key, else the graph CSV."""
        frame = self.fred.observations(series_id, start, end)
        via = "the FRED API" if self.fred.api_key else "the FRED graph CSV"
        log.info("%s: %d observations served by %s", series_id, len(frame), via)
        return frame

    def etf_shares(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """By issuer: iShares or SPDR."""
        issuer = _instrument(symbol)["issuer"]
        if issuer == "ishares":
            return self.ishares.etf_shares(symbol, start, end)
        if issuer == "spdr":
            return self.spdr.etf_shares(symbol, start, end)
        raise NotProvided(
            symbol,
            SEED,
            f"no live provider for {issuer or 'non-fund'} fund data; drop a file in etf_shares/"
            " and use the files source for it",
        )

    def constituents(self, fund: str, start: date, end: date) -> pd.DataFrame:
        """By issuer: iShares' holdings CSV (today's file and past month-ends)."""
        issuer = _instrument(fund)["issuer"]
        if issuer == "ishares":
            return self.ishares.constituents(fund, start, end)
        raise NotProvided(
            fund,
            SEED,
            f"no live provider of holdings for {issuer or 'non-fund'} funds; drop the issuer's"
            " holdings CSV in holdings/ and use the files source for it",
        )

    def valuations(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        raise NotProvided(
            symbol,
            "live source",
            "no free live provider of forward or trailing P/E exists; put a file in the files"
            " source's valuations/ folder (date,forward_pe,trailing_pe)",
        )


def _instrument(symbol: str) -> dict[str, str]:
    """The instruments seed's row of ``symbol``."""
    rows = reference.instruments()
    match = rows[rows["symbol"] == symbol]
    if match.empty:
        raise FetchError(symbol, SEED, f"{symbol} is not in the instruments seed: add it there")
    return match.iloc[0].to_dict()


def _member(symbol: str) -> dict[str, str]:
    """Provider tickers of a fund member (a holding's ticker, not in the instruments seed)."""
    ticker = MEMBER_TICKERS.get(symbol, symbol.replace(".", "-").replace("/", "-"))
    return {"symbol": symbol, "yahoo_symbol": ticker, "stooq_symbol": f"{ticker.lower()}.us"}
