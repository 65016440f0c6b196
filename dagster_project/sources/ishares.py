"""iShares fund data: shares outstanding, NAV and total net assets from the holdings CSV.

``GET {base_url}/us/products/<product id>/<slug>/1467271812596.ajax?fileType=csv&
fileName=<SYM>_holdings&dataType=fund[&asOfDate=YYYYMMDD]``. The file is a snapshot:

- a preamble (maybe after a BOM): the fund's name, ``Fund Holdings as of,"Jun 19, 2026"``,
  ``Inception Date``, ``Shares Outstanding,"1,234,567.00"`` (or ``"-"``: not published), ...;
- a blank line, then the holdings table: quoted numbers with thousands separators, ``-`` for
  null, cash, collateral and derivative rows included;
- a blank line, then a legal footer.

total_net_assets = the sum of the ``Market Value`` column (cash and derivatives included);
nav = total_net_assets / shares_outstanding. A day whose shares outstanding is ``-`` yields no
row (logged), never an invented one. Without ``asOfDate`` the file is today's; ``etf_shares`` also
asks for past NYSE trading days in the range (the most recent ``history_days`` of them), so each
run appends a little history. Today's file must load; a past day that fails is logged and
skipped (the next run's window asks for it again).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pandas as pd

from dagster_project.sources.base import FetchError
from dagster_project.sources.calendar import trading_days
from dagster_project.sources.http import HttpClient, csv_table, parse_numbers

log = logging.getLogger(__name__)

# symbol -> (product id, URL slug) on ishares.com
FUNDS: dict[str, tuple[str, str]] = {
    "IWM": ("239710", "ishares-russell-2000-etf"),
    "IJR": ("239774", "ishares-core-sp-smallcap-etf"),
    "IVV": ("239726", "ishares-core-sp-500-etf"),
}
COLUMNS = ["symbol", "date", "shares_outstanding", "nav", "total_net_assets"]
AS_OF_LABEL = "fund holdings as of"
SHARES_LABEL = "shares outstanding"


class IShares:
    """Daily fund snapshots of the iShares ETFs in ``FUNDS``."""

    def __init__(
        self,
        http: HttpClient,
        *,
        base_url: str = "https://www.ishares.com",
        history_days: int = 10,
        today: Callable[[], date] = date.today,
    ):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.history_days = history_days
        self.today = today

    def etf_shares(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """symbol, date (the file's as-of date), shares_outstanding, nav, total_net_assets.

        Today's file, plus the files of up to ``history_days`` of the most recent past trading
        days in ``start``..``end``. Days without published shares outstanding are left out.
        """
        if symbol not in FUNDS:
            raise FetchError(
                symbol,
                self.base_url,
                f"no iShares product id for {symbol}: add it to FUNDS in {__name__}",
            )
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
        frame = pd.DataFrame(rows, columns=COLUMNS).astype({"date": "datetime64[ns]"})
        frame = frame.drop_duplicates("date").sort_values("date")
        inside = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
        return frame[inside].reset_index(drop=True)

    def snapshot(self, symbol: str, as_of: date | None = None) -> dict[str, object]:
        """One holdings file as one row; ``shares_outstanding`` and ``nav`` None if unpublished."""
        product_id, slug = FUNDS[symbol]
        url = f"{self.base_url}/us/products/{product_id}/{slug}/1467271812596.ajax"
        params = {"fileType": "csv", "fileName": f"{symbol}_holdings", "dataType": "fund"}
        if as_of is not None:
            params["asOfDate"] = as_of.strftime("%Y%m%d")
        where = self.http.where(url, params, ())
        text = self.http.get_text(symbol, url, params)
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


def parse_holdings(symbol: str, where: str, text: str) -> dict[str, object]:
    """An iShares holdings CSV (preamble, blank line, table, blank line, footer) as one row."""
    lines = text.removeprefix("\ufeff").splitlines()
    blanks = [i for i, line in enumerate(lines) if not line.strip()]
    if not blanks:
        raise FetchError(symbol, where, "no blank line after the preamble: not a holdings CSV")
    preamble = {
        fields[0].strip().lower(): fields[1].strip() if len(fields) > 1 else ""
        for fields in csv.reader(lines[: blanks[0]])
        if fields
    }
    if AS_OF_LABEL not in preamble:
        raise FetchError(symbol, where, "the preamble has no 'Fund Holdings as of' line")
    try:
        as_of = datetime.strptime(preamble[AS_OF_LABEL], "%b %d, %Y")
    except ValueError:
        raise FetchError(
            symbol, where, f"unreadable as-of date {preamble[AS_OF_LABEL]!r}"
        ) from None
    if SHARES_LABEL not in preamble:
        raise FetchError(symbol, where, "the preamble has no 'Shares Outstanding' line")

    table_end = next((i for i in blanks if i > blanks[0] + 1), None)
    if table_end is None:  # real files always end the table with a blank line and a footer
        raise FetchError(
            symbol,
            where,
            "the file ends inside the holdings table (no blank line and footer after it): the"
            " body is truncated; re-run",
        )
    table = "\n".join(lines[blanks[0] + 1 : table_end])
    holdings = csv_table(symbol, where, table, first_line=blanks[0] + 2)
    if "Market Value" not in holdings.columns or holdings.empty:
        raise FetchError(
            symbol, where, "no holdings with a 'Market Value' column: the format changed"
        )
    total_net_assets = float(
        parse_numbers(symbol, where, holdings["Market Value"], "Market Value").sum()
    )
    shares = parse_numbers(
        symbol, where, pd.Series([preamble[SHARES_LABEL]]), "Shares Outstanding"
    ).iloc[0]
    shares = None if pd.isna(shares) or shares <= 0 else float(shares)
    return {
        "symbol": symbol,
        "date": pd.Timestamp(as_of),
        "shares_outstanding": shares,
        "nav": total_net_assets / shares if shares else None,
        "total_net_assets": total_net_assets,
    }
