"""The marts' trading calendar as reference data: the asset ``raw/trading_calendar``.

The daily marts (macro, flows, breadth, concentration, the scorecard) have one row per trading
day of this table (dbt's int_trading_days), so no single instrument decides where they end: a
stale or missing instrument ends only its own pairs and its own columns. The days are the NYSE's
(``sources.calendar``, exchange_calendars' XNYS) from ROTATION_START_DATE through the latest day
that any loaded instrument, ETF share count or macro series has reached, never after today: the
calendar runs as far as there is something to show on it, and no further.
"""

from datetime import date

import pandas as pd
from dagster import AssetExecutionContext, MaterializeResult, asset
from duckdb import DuckDBPyConnection

from dagster_project import reference
from dagster_project.resources import SourceResource, WarehouseResource
from dagster_project.sources.calendar import trading_days
from dagster_project.warehouse import latest_loaded_day, write_trading_calendar

KEY = ["raw", "trading_calendar"]
# what the calendar's end is read from: the asset runs after their loads
READS = ("prices", "etf_shares", "macro_observations")


def calendar_days(con: DuckDBPyConnection, start: date, today: date) -> pd.DatetimeIndex:
    """The NYSE trading days from ``start`` through the latest day loaded for any instrument of
    the seed, ETF or macro series (``warehouse.latest_loaded_day``), but not after ``today``;
    none when nothing is loaded yet."""
    latest = latest_loaded_day(con, reference.symbols())
    if latest is None:
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    return trading_days(start, min(latest, today))


@asset(
    key=KEY,
    group_name="ingest",
    kinds={"duckdb"},
    deps=[["raw", table] for table in READS],
    description="The marts' trading calendar: NYSE trading days (exchange_calendars' XNYS) from"
    " ROTATION_START_DATE through the latest day any instrument, ETF or macro series has reached"
    " (never after today). The daily marts have one row per day of it.",
)
def trading_calendar(
    context: AssetExecutionContext, source: SourceResource, warehouse: WarehouseResource
) -> MaterializeResult:
    with warehouse.get_connection() as con:
        days = calendar_days(con, source.start, date.today())
        result = write_trading_calendar(con, days)
    if not result.rows:
        context.log.warning("raw.trading_calendar is empty: no instrument or series is loaded")
    return MaterializeResult(
        metadata={
            "rows": result.rows,
            "first_day": str(result.first_day),
            "last_day": str(result.last_day),
            "rows_inserted": result.rows_inserted,
            "rows_deleted": result.rows_deleted,
        }
    )
