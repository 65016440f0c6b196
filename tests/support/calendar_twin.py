"""The marts' trading calendar worked out apart from the project's code, for the mart tests.

The NYSE sessions, read from exchange_calendars' XNYS directly (not through
dagster_project.sources.calendar), from the start date through the latest day that any seed
instrument's price, any ETF share row or any macro observation reaches in the warehouse (never
after today): what raw.trading_calendar must hold.
"""

from __future__ import annotations

import duckdb
import exchange_calendars
import pandas as pd

from dagster_project import reference

START = "1995-01-01"  # SourceResource.start_date's default


def last_loaded_day(con: duckdb.DuckDBPyConnection) -> pd.Timestamp:
    prices = con.sql("select symbol, date from raw.prices").df()
    instruments = prices[prices["symbol"].isin(reference.instruments()["symbol"])]
    ends = [
        instruments["date"].max(),
        con.execute("select max(date) from raw.etf_shares").fetchall()[0][0],
        con.execute("select max(date) from raw.macro_observations").fetchall()[0][0],
    ]
    latest = max(pd.Timestamp(end) for end in ends if not pd.isna(end))
    return min(latest, pd.Timestamp.today().normalize())


def expected_calendar(con: duckdb.DuckDBPyConnection, start: str = START) -> pd.DatetimeIndex:
    """The NYSE trading days from ``start`` through ``last_loaded_day``."""
    end = last_loaded_day(con)
    xnys = exchange_calendars.get_calendar("XNYS", start="1990-01-02", end="2100-12-31")
    sessions = pd.DatetimeIndex(xnys.sessions).astype("datetime64[ns]")
    return sessions[(sessions >= pd.Timestamp(start)) & (sessions <= end)]
