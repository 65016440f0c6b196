"""The whole generated history: every part of the model run once, in the raw contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dagster_project import reference
from dagster_project.sources.calendar import trading_days
from dagster_project.sources.sample.common import (
    DEFAULT_END,
    MACRO_COLUMNS,
    ORIGIN,
    PRICE_COLUMNS,
    SHARES_COLUMNS,
    VALUATION_COLUMNS,
    as_timestamp,
)
from dagster_project.sources.sample.funds import (
    ETFS,
    dividend_yields,
    etf_prices,
    first_day,
    shares_frame,
)
from dagster_project.sources.sample.macro import simulate_macro
from dagster_project.sources.sample.market import INDEXES, Market, index_prices, simulate_market
from dagster_project.sources.sample.valuations import pe_paths, valuations_frame
from dagster_project.sources.sample.vintages import macro_vintages

# the model's random streams, spawned from the seed in this order (a new one goes last)
STREAMS = ("regimes", "market", "spread", "derived", "ohlc", "etf", "shares", "macro", "pe")


@dataclass
class History:
    """The whole generated history, in the raw contracts (sorted by key)."""

    prices: pd.DataFrame
    etf_shares: pd.DataFrame
    macro: pd.DataFrame
    valuations: pd.DataFrame
    market: Market  # the simulated paths, over the whole horizon (members are built on them)


def generate_history(seed: int, end: date) -> History:
    """Generate every frame from ORIGIN to ``end`` (simulated to at least DEFAULT_END).

    The simulation always runs to ``max(end, DEFAULT_END)``, so sources that differ only in an
    earlier ``end`` agree on every day they share (except ``adj_close``, anchored at ``end``).
    """
    end_ts = as_timestamp(end)
    horizon = max(end_ts, pd.Timestamp(DEFAULT_END))
    root = np.random.default_rng(seed)
    streams = dict(zip(STREAMS, root.spawn(len(STREAMS)), strict=True))
    days = trading_days(ORIGIN, horizon.date())
    market = simulate_market(streams, days)
    pe = {name: pe_paths(streams["pe"], market, name) for name in ("large", "small")}
    pe["sp600"], pe["equal"] = pe["small"], pe["large"]

    prices = [index_prices(streams["ohlc"], market, symbol) for symbol in INDEXES]
    shares = []
    inception = reference.instruments().set_index("symbol")["inception_date"]
    for symbol, spec in ETFS.items():
        first = first_day(days, inception[symbol])
        dividend_yield = dividend_yields(spec, pe[spec.underlying][0])
        etf = etf_prices(streams["etf"], market, symbol, spec, first, dividend_yield, end_ts)
        prices.append(etf.frame)
        shares.append(shares_frame(streams["shares"], symbol, spec, etf))

    def finish(frames: list[pd.DataFrame], columns: list[str], keys: int) -> pd.DataFrame:
        frame = pd.concat(frames, ignore_index=True)[columns]
        frame["date"] = frame["date"].astype("datetime64[ns]")
        frame = frame[frame["date"] <= end_ts]
        return frame.sort_values(columns[:keys], kind="stable").reset_index(drop=True)

    macro = macro_vintages(
        root.spawn(1)[0], simulate_macro(streams["macro"], market, horizon), end_ts
    )
    return History(
        prices=finish(prices, PRICE_COLUMNS, keys=2),
        etf_shares=finish(shares, SHARES_COLUMNS, keys=2),
        macro=finish([macro], MACRO_COLUMNS, keys=3),
        valuations=finish([valuations_frame(market, pe)], VALUATION_COLUMNS, keys=3),
        market=market,
    )
