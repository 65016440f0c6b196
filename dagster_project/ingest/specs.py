"""What each ingest asset loads: its keys, the source method that fetches them, how fresh it
must be, and the names of its checks."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from dagster import Config, FreshnessPolicy

from dagster_project import reference
from dagster_project.sources import Source

Fetch = Callable[[str, date, date], pd.DataFrame]


@dataclass(frozen=True)
class Ingest:
    description: str
    folder: str  # the files source's folder
    keys: Callable[[Source], list[str]]  # the symbols, series or funds to load
    fetch: Callable[[Source], Fetch]
    freshness: FreshnessPolicy
    deps: tuple[str, ...] = ()  # raw tables this one reads (members: from raw.constituents)
    members: bool = False  # also load the members of every holdings snapshot of each fund
    rebased: bool = False  # the source may re-base the whole history: see ingest.rebased
    current: bool = False  # warn of keys whose history ends well before the others'


# Daily data: at 8 pm New York time each weekday, loaded within the past 24 hours (Dagster caps
# the window at the cron interval), so a day's close is in by the next weekday evening.
DAILY = FreshnessPolicy.cron(
    deadline_cron="0 20 * * 1-5", lower_bound_delta=timedelta(hours=24), timezone="America/New_York"
)
MARGIN = timedelta(days=10)
# Monthly macro: refreshed within the longest wait for a monthly release (the CPI comes by the
# middle of the next month: 46 days after the month's first day), plus a margin.
MONTHLY_MACRO = FreshnessPolicy.time_window(fail_window=timedelta(days=46) + MARGIN)
MONTHLY = FreshnessPolicy.time_window(fail_window=timedelta(days=31) + MARGIN)


INGESTS = {
    "constituents": Ingest(
        "Members of each fund or index on each holdings date: name, sector, weight (a fraction"
        " of the fund) and shares held. Sample: month-end members of ^GSPC and ^RUT; files and"
        " live: the iShares funds' holdings CSVs.",
        "holdings",
        lambda source: source.funds(),
        lambda source: source.constituents,
        MONTHLY,
    ),
    "prices": Ingest(
        "Daily OHLC, adjusted close and volume of every instrument and of every member of each"
        " fund's holdings snapshots (raw.constituents).",
        "prices",
        lambda source: reference.symbols(),
        lambda source: source.prices,
        DAILY,
        deps=("constituents",),
        members=True,
        rebased=True,
        current=True,
    ),
    "etf_shares": Ingest(
        "Daily shares outstanding, NAV and total net assets of every ETF.",
        "etf_shares",
        lambda source: reference.symbols(kind="etf"),
        lambda source: source.etf_shares,
        DAILY,
    ),
    "macro_observations": Ingest(
        "Observations of every macro series, at the series' own frequency.",
        "macro",
        lambda source: reference.series_ids(),
        lambda source: source.macro,
        MONTHLY_MACRO,
    ),
    "valuations": Ingest(
        "Forward and trailing P/E (and other valuation metrics) of every instrument.",
        "valuations",
        lambda source: reference.symbols(),
        lambda source: source.valuations,
        MONTHLY,
    ),
}
COMPLETE_CHECK = "all_keys_loaded"
MEMBERS_CHECK = "all_members_loaded"
CURRENT_CHECK = "instruments_current"
QUARANTINE_CHECK = "nothing_quarantined"


@dataclass(frozen=True)
class Window:
    """From when each key is fetched: from ``start`` (or its last loaded day minus the
    overlap) through ``end``."""

    start: date
    end: date
    overlap_days: int


class IngestConfig(Config):
    full_refresh: bool = False  # fetch every key from ROTATION_START_DATE, not incrementally
    allow_shrink: bool = False  # let a replacing load delete more than load_bounds' max_shrink
