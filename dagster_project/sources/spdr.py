"""SPDR (State Street) NAV history: daily NAV, shares outstanding and total net assets.

``GET {base_url}/us/en/intermediary/library-content/products/fund-data/etfs/us/
navhist-us-en-<symbol lowercase>.xlsx``: an .xlsx whose first sheet has a few title rows, then a
header row with ``Date``, ``NAV``, ``Shares Outstanding`` and ``Total Net Assets``, then one row
per day (dates as text like ``19-Jun-2026`` or as real dates; numbers as numbers or as text with
thousands separators), then maybe a blank row and footnotes. The whole history comes in one file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pandas as pd
from openpyxl import load_workbook

from dagster_project.sources.base import FetchError
from dagster_project.sources.http import HttpClient, parse_dates, parse_numbers

COLUMNS = ["symbol", "date", "shares_outstanding", "nav", "total_net_assets"]
HEADERS = {  # header cell (lower case) -> contract column
    "date": "date",
    "nav": "nav",
    "shares outstanding": "shares_outstanding",
    "total net assets": "total_net_assets",
}
DATE_FORMATS = ("%d-%b-%Y", "%m/%d/%Y", "%Y-%m-%d")


class Spdr:
    """NAV history of one SPDR ETF at a time."""

    def __init__(self, http: HttpClient, *, base_url: str = "https://www.ssga.com"):
        self.http = http
        self.base_url = base_url.rstrip("/")

    def etf_shares(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """symbol, date, shares_outstanding, nav, total_net_assets over ``start``..``end``."""
        url = (
            f"{self.base_url}/us/en/intermediary/library-content/products/fund-data/etfs/us/"
            f"navhist-us-en-{symbol.lower()}.xlsx"
        )
        body = self.http.get_bytes(symbol, url)
        frame = parse_nav_history(symbol, url, body)
        inside = frame["date"].between(pd.Timestamp(start), pd.Timestamp(end))
        return frame[inside].sort_values("date").reset_index(drop=True)


def parse_nav_history(symbol: str, where: str, body: bytes) -> pd.DataFrame:
    """The first sheet's table below its header row, down to the first empty or footer row."""
    try:
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise FetchError(
            symbol,
            where,
            f"not a readable .xlsx ({type(err).__name__}): the body is truncated or the file"
            " moved; re-run, or open the URL in a browser",
        ) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # read every row, whatever size the writing program declared
        rows = sheet.iter_rows(values_only=True)
        positions = _header(symbol, where, rows)
        records = []
        for row in rows:
            cells = {col: row[i] if i < len(row) else None for col, i in positions.items()}
            day = _as_date(cells["date"])
            if day is None:
                others = [v for col, v in cells.items() if col != "date"]
                if _blank(cells["date"]) or all(_blank(v) for v in others):
                    break  # the end of the table: an empty row or a footnote
                raise FetchError(
                    symbol, where, f"unreadable date {cells['date']!r}: the format changed"
                )
            records.append({**cells, "date": day})
    finally:
        book.close()
    if not records:
        raise FetchError(symbol, where, "the NAV history has a header but no rows")
    table = pd.DataFrame(records)
    frame = pd.DataFrame(
        {
            "symbol": symbol,
            "date": parse_dates(symbol, where, table["date"], "%Y-%m-%d"),
        }
    )
    for column in ("shares_outstanding", "nav", "total_net_assets"):
        frame[column] = parse_numbers(symbol, where, table[column].map(_text), column)
    return frame[COLUMNS].drop_duplicates("date", keep="first")


def _header(symbol: str, where: str, rows) -> dict[str, int]:
    """Contract column -> cell index, from the first row that names all four columns."""
    for row in rows:
        names = {str(v).strip().lower(): i for i, v in enumerate(row) if v is not None}
        if all(h in names for h in HEADERS):
            return {col: names[h] for h, col in HEADERS.items()}
    raise FetchError(
        symbol,
        where,
        "no header row with Date, NAV, Shares Outstanding and Total Net Assets: the format changed",
    )


def _as_date(value: object) -> str | None:
    """A cell as an ISO date string, or None if it is not a date."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).strftime("%Y-%m-%d")
        except ValueError:
            continue
    return None


def _text(value: object) -> str:
    """A number cell as text for ``parse_numbers`` (which drops thousands separators)."""
    return "" if value is None else str(value).replace("$", "")


def _blank(value: object) -> bool:
    return value is None or not str(value).strip()
