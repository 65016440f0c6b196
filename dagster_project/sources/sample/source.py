"""The sample source: every request a slice of one generated history (see the package)."""

from __future__ import annotations

from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from dagster_project import reference
from dagster_project.sources.sample.common import (
    DEFAULT_END,
    DEFAULT_SEED,
    ORIGIN,
    as_timestamp,
)
from dagster_project.sources.sample.history import History, generate_history
from dagster_project.sources.sample.market import INDEXES
from dagster_project.sources.sample.members import (
    DEFAULT_MEMBERS,
    IndexMembers,
    generate_members,
)


class SampleSource:
    """A deterministic synthetic market (``source = 'sample'``); see the package's docstring.

    ``SampleSource(seed, end, members)`` always yields the same frames. The history is generated
    once per instance, on first use, and every request is a slice of it; so are the ``members``
    (per index) of ^GSPC and ^RUT (``members.py``), generated on the first request that needs
    them.
    """

    name = "sample"
    concurrency = 1  # one key at a time: every request is a slice of the generated history
    skip_current = True  # a member loaded as far as it is needed is not fetched again

    def __init__(
        self, seed: int = DEFAULT_SEED, end: date = DEFAULT_END, members: int = DEFAULT_MEMBERS
    ) -> None:
        self.seed = int(seed)
        self.end = as_timestamp(end).date()
        self.members_per_index = int(members)
        if self.end < ORIGIN:
            raise ValueError(f"sample end {self.end} is before the sample origin {ORIGIN}")
        if self.members_per_index < 1:
            raise ValueError(f"sample members per index must be at least 1, not {members}")

    @cached_property
    def history(self) -> History:
        return generate_history(self.seed, self.end)

    @cached_property
    def members(self) -> dict[str, IndexMembers]:
        """The members of each index, over the whole simulated horizon."""
        market = self.history.market
        return generate_members(
            self.seed,
            self.members_per_index,
            market.days,
            {symbol: np.round(market.level(name), 2) for symbol, name in INDEXES.items()},
            {symbol: market.vol[name] for symbol, name in INDEXES.items()},
        )

    @cached_property
    def member_symbols(self) -> set[str]:
        """The symbols of every index's members."""
        return {s for members in self.members.values() for s in members.symbols}

    def funds(self) -> list[str]:
        """The indexes whose members (``constituents``) the sample has: ^GSPC and ^RUT."""
        return [s for s in reference.symbols(kind="index") if s in INDEXES]

    def prices(self, symbols: list[str], start: date, end: date) -> pd.DataFrame:
        """symbol, date, open, high, low, close, adj_close (NaN for indices), volume.

        Instruments of the seed and members of the indexes (``L0001``, ``S0001``, ...).
        """
        requested = [symbols] if isinstance(symbols, str) else list(symbols)
        instruments = set(reference.symbols())
        others = [s for s in requested if s not in instruments]
        if not others:
            return _slice(self.history.prices, "symbol", requested, start, end)
        _check(others, self.member_symbols, "symbol")
        last = min(as_timestamp(end), pd.Timestamp(self.end))
        frames = []  # a daily load asks for one member at a time: no slicing, concat, sort
        if len(others) < len(requested):
            frames.append(_slice(self.history.prices, "symbol", requested, start, end))
        for members in self.members.values():
            mine = [s for s in others if s in members.position]
            if mine:
                frames.append(members.prices(mine, as_timestamp(start), last))
        if len(frames) == 1:
            return frames[0]  # by symbol, then date
        out = pd.concat(frames, ignore_index=True)
        return out.sort_values(["symbol", "date"], kind="stable").reset_index(drop=True)

    def constituents(self, funds: list[str], start: date, end: date) -> pd.DataFrame:
        """fund, date, symbol, name, sector, weight, shares: the indexes' month-end members."""
        wanted = _check(funds, self.funds(), "fund")
        last = min(as_timestamp(end), pd.Timestamp(self.end))
        frames = [self.members[f].holdings(as_timestamp(start), last) for f in wanted]
        out = pd.concat(frames, ignore_index=True)
        return out.sort_values(["fund", "date", "symbol"], kind="stable").reset_index(drop=True)

    def etf_shares(self, symbols: list[str], start: date, end: date) -> pd.DataFrame:
        """symbol, date, shares_outstanding, nav, total_net_assets (indices have no rows)."""
        wanted = _check(symbols, reference.symbols(), "symbol")
        return _slice(self.history.etf_shares, "symbol", wanted, start, end)

    def macro(self, series_ids: list[str], start: date, end: date) -> pd.DataFrame:
        """series_id, date, realtime_start, value, realtime_kind ('vintage'): every vintage
        published by the sample's end of the observations dated ``start``-``end`` (missing
        observations are absent)."""
        wanted = _check(series_ids, reference.series_ids(), "series")
        return _slice(self.history.macro, "series_id", wanted, start, end)

    def valuations(self, symbols: list[str], start: date, end: date) -> pd.DataFrame:
        """symbol, date, metric (forward_pe, trailing_pe), value: ^GSPC and ^RUT, month-ends."""
        wanted = _check(symbols, reference.symbols(), "symbol")
        return _slice(self.history.valuations, "symbol", wanted, start, end)


def _check(requested: list[str], known: list[str], what: str) -> list[str]:
    requested = [requested] if isinstance(requested, str) else list(requested)
    unknown = sorted(set(requested) - set(known))
    if unknown:
        names = sorted(known)
        listed = f"{names}" if len(names) <= 30 else f"{names[:10]} ... ({len(names)} in all)"
        raise ValueError(f"sample source: unknown {what}(s) {unknown[:10]}; known: {listed}")
    return requested


def _slice(frame: pd.DataFrame, key: str, wanted: list[str], start, end) -> pd.DataFrame:
    first, last = as_timestamp(start), as_timestamp(end)
    mask = frame[key].isin(wanted) & (frame["date"] >= first) & (frame["date"] <= last)
    return frame.loc[mask].reset_index(drop=True)
