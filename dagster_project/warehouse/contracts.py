"""The raw contracts: each raw table's key and value columns, and the rules its rows must meet.

Every raw table has a key; a load is an upsert on that key (``upsert``). A table with a
*snapshot* grain (``raw.constituents``: one snapshot per fund and date) is loaded snapshot by
snapshot: a load replaces each (fund, date) it carries, so a member that left the fund is deleted
from that date's snapshot rather than kept. The DDL made from a contract is in ``schema``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawTable:
    """A raw contract: its key columns and value columns (name -> DuckDB type)."""

    name: str
    key: dict[str, str]
    values: dict[str, str]
    required: tuple[str, ...] = ()  # value columns that may not be null
    positive: tuple[str, ...] = ()  # value columns that must be > 0 where present
    snapshot: tuple[str, ...] = ()  # key columns of a whole snapshot, replaced on each load

    @property
    def qualified(self) -> str:
        return f"raw.{self.name}"

    @property
    def columns(self) -> dict[str, str]:
        return {**self.key, **self.values}

    @property
    def first_key(self) -> str:
        """The key's first column: the symbol, series or fund a load is told apart by."""
        return next(iter(self.key))


PRICES = RawTable(
    "prices",
    key={"symbol": "VARCHAR", "date": "DATE"},
    values={
        "open": "DOUBLE",
        "high": "DOUBLE",
        "low": "DOUBLE",
        "close": "DOUBLE",
        "adj_close": "DOUBLE",
        "volume": "BIGINT",
    },
    required=("close",),
    positive=("open", "high", "low", "close", "adj_close"),
)
ETF_SHARES = RawTable(
    "etf_shares",
    key={"symbol": "VARCHAR", "date": "DATE"},
    values={"shares_outstanding": "DOUBLE", "nav": "DOUBLE", "total_net_assets": "DOUBLE"},
    positive=("shares_outstanding", "nav", "total_net_assets"),
)
# Every vintage of every observation: (series_id, date, realtime_start) -> value, the value as
# published from realtime_start on. realtime_kind says where realtime_start comes from (see
# dagster_project.vintages): 'vintage' (the provider's real-time period: ALFRED, FRED's API, the
# sample's simulated vintages), 'release' (a published release date), 'estimate' (the
# project's release calendar) or 'loaded' (a revision from a source without vintages, known
# from the day a load first saw it).
MACRO_OBSERVATIONS = RawTable(
    "macro_observations",
    key={"series_id": "VARCHAR", "date": "DATE", "realtime_start": "DATE"},
    values={"value": "DOUBLE", "realtime_kind": "VARCHAR"},
    required=("value", "realtime_kind"),
)
VALUATIONS = RawTable(
    "valuations",
    key={"symbol": "VARCHAR", "date": "DATE", "metric": "VARCHAR"},
    values={"value": "DOUBLE"},
    required=("value",),
)
# Members of a fund (iShares holdings) or of an index (the sample's cross-section) on a date.
CONSTITUENTS = RawTable(
    "constituents",
    key={"fund": "VARCHAR", "date": "DATE", "symbol": "VARCHAR"},
    values={"name": "VARCHAR", "sector": "VARCHAR", "weight": "DOUBLE", "shares": "DOUBLE"},
    required=("weight",),  # a fraction of the fund's assets (0.0081 for 0.81%)
    positive=("shares",),
    snapshot=("fund", "date"),  # a load replaces the holdings of each fund and date it carries
)
RAW_TABLES = {t.name: t for t in (PRICES, ETF_SHARES, MACRO_OBSERVATIONS, VALUATIONS, CONSTITUENTS)}
