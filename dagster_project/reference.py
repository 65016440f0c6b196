"""Reference data from the dbt seeds: the single source of truth for Dagster and dbt alike."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "dbt_models" / "seeds"
STALE_AFTER = timedelta(days=7)  # behind the latest instrument's last date: a week of closes


@cache
def _seed(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def instruments() -> pd.DataFrame:
    """symbol, name, kind (index | etf), segment, tracks, issuer, inception_date, tickers."""
    return _seed("instruments")


def pairs() -> pd.DataFrame:
    """pair_id, small_symbol, large_symbol, description."""
    return _seed("pairs")


def macro_series() -> pd.DataFrame:
    """series_id, name, units, frequency, release (whose calendar dates a value without a
    vintage: dagster_project/releases.py), plausible_min and plausible_max (a load's values
    outside them are blocked: dagster_project/plausibility.py)."""
    return _seed("macro_series")


def load_bounds() -> pd.DataFrame:
    """bound, applies_to, value, meaning: what a load must keep to (plausibility.py)."""
    return _seed("load_bounds")


def symbols(kind: str | None = None) -> list[str]:
    frame = instruments()
    if kind is not None:
        frame = frame[frame["kind"] == kind]
    return frame["symbol"].tolist()


def valuation_legs() -> list[str]:
    """The indexes whose P/Es the valuation marts read: the small- and large-cap index
    (int_valuations_monthly); an ETF's P/E is loaded but not read."""
    frame = instruments()
    legs = (frame["kind"] == "index") & frame["segment"].isin(["small", "large"])
    return frame.loc[legs, "symbol"].tolist()


def holdings_funds() -> list[str]:
    """ETFs whose holdings the files and live sources read: the iShares funds of the seed."""
    frame = instruments()
    return frame.loc[(frame["kind"] == "etf") & (frame["issuer"] == "ishares"), "symbol"].tolist()


def series_ids() -> list[str]:
    return macro_series()["series_id"].tolist()


def stale_instruments(last_dates: dict[str, date], keys: list[str]) -> dict[str, str]:
    """Of ``keys``, those whose last price is more than STALE_AFTER before the latest key's,
    each with a message naming the pairs it ends. Only those: the daily marts follow the
    trading calendar (raw.trading_calendar), which no single instrument decides."""
    ends = {k: last_dates[k] for k in keys if k in last_dates}
    if not ends:
        return {}
    latest_key = max(ends, key=ends.get)
    latest = ends[latest_key]
    frame = pairs()
    stale = {}
    for key, end in sorted(ends.items()):
        if latest - end > STALE_AFTER:
            with_key = frame.loc[(frame["small_symbol"] == key) | (frame["large_symbol"] == key)]
            ended = (
                f"every pair with {key} ({', '.join(with_key['pair_id'])}) ends {end}"
                if len(with_key)
                else f"{key}'s own figures end {end}"
            )
            stale[key] = (
                f"{key}: last price {end}, {(latest - end).days} days before {latest_key}'s"
                f" ({latest}): the source has nothing newer; {ended}; the daily marts go on"
                " to the trading calendar's last day without it"
            )
    return stale
