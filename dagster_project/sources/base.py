"""The interface every source implements, and the error a source raises."""

from __future__ import annotations

from datetime import date
from typing import Protocol

import pandas as pd

# A source's rows may say where they came from, for the messages of a refused load
# (dagster_project.plausibility): the file or URL, and the line in the file. Never loaded.
ORIGIN, LINE = "_origin", "_line"


class FetchError(Exception):
    """One symbol or series could not be fetched or parsed.

    The message names the key (symbol or series), where it came from (a URL without any secret,
    or a file path) and what to do; other keys of the same run still load.
    """

    def __init__(self, key: str, where: str, problem: str):
        self.key, self.where, self.problem = key, where, problem
        super().__init__(f"{key}: {problem} ({where})")


def fill_adjustment(frame: pd.DataFrame) -> pd.Series:
    """``adj_close``, a missing one beside a close filled with the close times the adjustment
    (adj_close / close) of the row before (or after, before the first adjusted one).

    ``frame`` is one symbol's rows in date order. Left null, the marts' ``coalesce(adj_close,
    close)`` would read an unadjusted close amid adjusted ones: a false return of the whole
    adjustment on each side of it. A symbol without any adjusted close keeps none.
    """
    factor = (frame["adj_close"] / frame["close"]).ffill().bfill()
    return frame["adj_close"].fillna(frame["close"] * factor)


class NotProvided(FetchError):
    """The source has no data for this key by design (no file dropped, no provider for it).

    The loader skips such keys and lists them; unlike other fetch errors they fail nothing.
    """


class Source(Protocol):
    """A provider of the raw contracts, one symbol, series or fund at a time.

    Each method returns the rows of one key over ``start``..``end`` (inclusive) with the key and
    value columns of the matching ``warehouse.RawTable`` and a ``date`` column of dtype
    datetime64; ``source`` and ``loaded_at`` are added by the loader. Values may still be text
    (a file's cell as written): the warehouse writer casts them and quarantines rows it cannot
    use. A source raises ``FetchError`` when a key cannot be delivered at all, ``NotProvided``
    when it never offers that key.

    Each source also says how many keys the loader fetches at once (``concurrency``: 1, but the
    live source's HTTP client bounds its requests in flight to it), and whether a fund member
    already loaded up to the instruments' latest date may be skipped (``skip_current``: True,
    but a folder of files, which can be edited without new dates, says False).
    """

    name: str
    concurrency: int  # keys fetched at once
    skip_current: bool  # a member loaded as far as it is needed is not fetched again

    def prices(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """symbol, date, open, high, low, close, adj_close (total-return close or NaN), volume."""

    def etf_shares(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """symbol, date, shares_outstanding, nav, total_net_assets (all in units, USD)."""

    def macro(self, series_id: str, start: date, end: date) -> pd.DataFrame:
        """series_id, date, value (missing observations are absent, never NaN)."""

    def valuations(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        """symbol, date, metric (forward_pe, trailing_pe, ...), value."""

    def funds(self) -> list[str]:
        """The funds or indexes whose members ``constituents`` serves."""

    def constituents(self, fund: str, start: date, end: date) -> pd.DataFrame:
        """fund, date, symbol, name, sector, weight (a fraction of the fund), shares (held)."""
