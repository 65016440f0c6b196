"""iShares fund data from the holdings CSV: shares outstanding, NAV, net assets and holdings.

``GET {base_url}/us/products/<product id>/<slug>/1467271812596.ajax?fileType=csv&
fileName=<SYM>_holdings&dataType=fund[&asOfDate=YYYYMMDD]``. The file is a snapshot (its shape:
``holdings.py``): a preamble with ``Fund Holdings as of`` and ``Shares Outstanding`` (or ``-``:
not published), the holdings table, a legal footer.

- ``etf_shares``: total_net_assets = the sum of the ``Market Value`` column (cash and
  derivatives included); nav = total_net_assets / shares_outstanding. A day whose shares
  outstanding is ``-`` yields no row (logged), never an invented one. Without ``asOfDate`` the
  file is today's; ``etf_shares`` also asks for past NYSE trading days in the range (the most
  recent ``history_days`` of them), so each run appends a little history.
- ``constituents``: the fund's stock holdings (``holdings.constituents``) in today's file, and
  in the files of past month-ends in the range (the last trading day of each month; the most
  recent ``holdings_months`` of them), so a first load has a year of monthly snapshots and each
  later run adds the latest.

Today's file must load; a past day that fails is logged and skipped (the next run's window asks
for it again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd

from dagster_project.sources import holdings
from dagster_project.sources.base import FetchError, NotProvided
from dagster_project.sources.calendar import trading_days
from dagster_project.sources.http import HttpClient, parse_numbers

log = logging.getLogger(__name__)

# symbol -> (product id, URL slug) on ishares.com
FUNDS: dict[str, tuple[str, str]] = {
    "IWM": ("239710", "ishares-russell-2000-etf"),
    "IJR": ("239774", "ishares-core-sp-smallcap-etf"),
    "IVV": ("239726", "ishares-core-sp-500-etf"),
}
COLUMNS = ["symbol", "date", "shares_outstanding", "nav", "total_net_assets"]
AS_OF_LABEL = holdings.AS_OF_LABEL
SHARES_LABEL = "shares outstanding"


class IShares:
    """Daily fund snapshots of the iShares ETFs in ``FUNDS``."""

    def __init__(
        self,
        http: HttpClient,
        *,
        base_url: str = "https://www.ishares.com",
        history_days: int = 10,
        holdings_months: int = 12,
        today: Callable[[], date] = date.today,
    ):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.history_days = history_days
        self.holdings_months = holdings_months
        self.today = today

    def etf_shares(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """symbol, date (the file's as-of date), shares_outstanding, nav, total_net_assets.

        Today's file, plus the files of up to ``history_days`` of the most recent past trading
        days in ``start``..``end``. Days without published shares outstanding are left out.
        """
        self._product(symbol)
        today = self.today()
        snapshots = [self.snapshot(symbol)]  # today's file: if it fails, the symbol fails
        past = trading_days(start, min(end, today - timedelta(days=1)))
        for day in reversed(past[-self.history_days :] if self.history_days > 0 else []):
            if day == snapshots[0]["date"]:
                continue
            try:
                snapshots.append(self.snapshot(symbol, day.date()))
            except FetchError as err:  # a past day is retried by the next run's window
                log.warning("%s: skipping the file of %s: %s", symbol, day.date(), err)
        rows = [s for s in snapshots if s["shares_outstanding"] is not None]
        if not rows:
            raise NotProvided(
                symbol,
                self.base_url,
                "iShares publishes no shares outstanding in its holdings CSV ('Shares"
                " Outstanding' is '-'), so it has no live flows: drop its history in etf_shares/"
                " and use the files source for it",
            )
        frame = pd.DataFrame(rows, columns=COLUMNS).astype({"date": "datetime64[ns]"})
        frame = frame.drop_duplicates("date").sort_values("date")
        inside = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
        return frame[inside].reset_index(drop=True)

    def constituents(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """fund, date, symbol, name, sector, weight, shares: the fund's stocks on each file's date.

        Today's file, plus the files of up to ``holdings_months`` of the most recent past
        month-ends (last trading days of a month) in ``start``..``end``.
        """
        self._product(symbol)
        today = self.today()
        latest = self.holdings_snapshot(symbol)  # today's file: if it fails, the fund fails
        frames, seen = [latest], {latest["date"].iloc[0]}
        past = _month_ends(start, min(end, today - timedelta(days=1)))
        wanted = [d for d in past if d not in seen]
        for day in reversed(wanted[-self.holdings_months :] if self.holdings_months > 0 else []):
            try:
                frame = self.holdings_snapshot(symbol, day.date())
            except FetchError as err:  # a past month-end is retried by the next run's window
                log.warning("%s: skipping the holdings of %s: %s", symbol, day.date(), err)
                continue
            if frame["date"].iloc[0] not in seen:  # another day's file: keep each date once
                seen.add(frame["date"].iloc[0])
                frames.append(frame)
        frame = pd.concat(frames, ignore_index=True)
        inside = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
        frame = frame[inside].sort_values(["date", "symbol"], kind="stable")
        return frame.reset_index(drop=True)

    def snapshot(self, symbol: str, as_of: date | None = None) -> dict[str, object]:
        """One holdings file as one row; ``shares_outstanding`` and ``nav`` None if unpublished."""
        where, text = self._download(symbol, as_of)
        row = parse_holdings(symbol, where, text)
        if as_of is not None and row["date"] != pd.Timestamp(as_of):
            got = row["date"].date()
            log.warning("%s: asked for the file of %s, got the one of %s", symbol, as_of, got)
        if row["shares_outstanding"] is None:
            log.warning(
                "%s: iShares did not publish shares outstanding for %s (%s): no row for that day",
                symbol,
                row["date"].date(),
                where,
            )
        return row

    def holdings_snapshot(self, symbol: str, as_of: date | None = None) -> pd.DataFrame:
        """One holdings file's stocks (``holdings.constituents``), dated by the file."""
        where, text = self._download(symbol, as_of)
        frame = holdings.constituents(symbol, where, holdings.read_holdings(symbol, where, text))
        got = frame["date"].iloc[0]
        if as_of is not None and got != pd.Timestamp(as_of):
            log.warning(
                "%s: asked for the holdings of %s, got those of %s", symbol, as_of, got.date()
            )
        log.info("%s: %d holdings as of %s (%s)", symbol, len(frame), got.date(), where)
        return frame

    def _product(self, symbol: str) -> tuple[str, str]:
        if symbol not in FUNDS:
            raise FetchError(
                symbol,
                self.base_url,
                f"no iShares product id for {symbol}: add it to FUNDS in {__name__}",
            )
        return FUNDS[symbol]

    def _download(self, symbol: str, as_of: date | None) -> tuple[str, str]:
        """The holdings CSV of ``symbol`` (today's, or of ``as_of``): its URL and its text."""
        product_id, slug = self._product(symbol)
        url = f"{self.base_url}/us/products/{product_id}/{slug}/1467271812596.ajax"
        params = {"fileType": "csv", "fileName": f"{symbol}_holdings", "dataType": "fund"}
        if as_of is not None:
            params["asOfDate"] = as_of.strftime("%Y%m%d")
        return self.http.where(url, params, ()), self.http.get_text(symbol, url, params)


def _month_ends(start: date, end: date) -> list[pd.Timestamp]:
    """The last trading day of each month that ends inside ``start``..``end``."""
    days = trading_days(start, end + pd.offsets.MonthEnd(0))
    if len(days) == 0:
        return []
    last = days.to_series().groupby(days.to_period("M")).max()
    return [day for day in last if day <= pd.Timestamp(end)]


def parse_holdings(symbol: str, where: str, text: str) -> dict[str, object]:
    """An iShares holdings CSV (preamble, blank line, table, blank line, footer) as one row."""
    file = holdings.read_holdings(symbol, where, text)
    if SHARES_LABEL not in file.preamble:
        raise FetchError(symbol, where, "the preamble has no 'Shares Outstanding' line")
    if "Market Value" not in file.table.columns or file.table.empty:
        raise FetchError(
            symbol, where, "no holdings with a 'Market Value' column: the format changed"
        )
    total_net_assets = float(
        parse_numbers(symbol, where, file.table["Market Value"], "Market Value").sum()
    )
    shares = parse_numbers(
        symbol, where, pd.Series([file.preamble[SHARES_LABEL]]), "Shares Outstanding"
    ).iloc[0]
    shares = None if pd.isna(shares) or shares <= 0 else float(shares)
    return {
        "symbol": symbol,
        "date": file.as_of,
        "shares_outstanding": shares,
        "nav": total_net_assets / shares if shares else None,
        "total_net_assets": total_net_assets,
    }
