"""The interface every source implements."""

from __future__ import annotations

from datetime import date
from typing import Protocol

import pandas as pd


class Source(Protocol):
    """A provider of the four raw contracts.

    Each method returns one frame for the requested symbols or series over ``start``..``end``
    (inclusive), with the key and value columns of the matching ``warehouse.RawTable`` and a
    ``date`` column of dtype datetime64. ``source`` and ``loaded_at`` are added by the loader.
    """

    name: str

    def prices(self, symbols: list[str], start: date, end: date) -> pd.DataFrame:
        """symbol, date, open, high, low, close, adj_close (total-return close or NaN), volume."""

    def etf_shares(self, symbols: list[str], start: date, end: date) -> pd.DataFrame:
        """symbol, date, shares_outstanding, nav, total_net_assets (all in units, USD)."""

    def macro(self, series_ids: list[str], start: date, end: date) -> pd.DataFrame:
        """series_id, date, value (missing observations are absent, never NaN)."""

    def valuations(self, symbols: list[str], start: date, end: date) -> pd.DataFrame:
        """symbol, date, metric (forward_pe, trailing_pe, ...), value."""
