"""What the ingest reads of the raw tables to decide what to fetch: how far each key is loaded,
the recent prices a load's overlap fetches again, the members whose prices are needed, and the
stored vintages of macro series.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from dagster_project.warehouse.contracts import RAW_TABLES
from dagster_project.warehouse.schema import ensure_schema


def last_dates(con: duckdb.DuckDBPyConnection, table_name: str) -> dict[str, object]:
    """The latest loaded date of each symbol or series in ``raw.<table_name>``."""
    ensure_schema(con)
    table = RAW_TABLES[table_name]
    rows = con.execute(
        f"select {table.first_key}, max(date) from {table.qualified} group by all"
    ).fetchall()
    return dict(rows)


def latest_date(con: duckdb.DuckDBPyConnection, table_name: str, keys: list[str]) -> object:
    """The latest date loaded for any of ``keys`` in ``raw.<table_name>`` (None if none)."""
    ensure_schema(con)
    table = RAW_TABLES[table_name]
    ((latest,),) = con.execute(
        f"select max(date) from {table.qualified} where {table.first_key} in (select unnest(?))",
        [keys],
    ).fetchall()
    return latest


def latest_loaded_day(con: duckdb.DuckDBPyConnection, instruments: list[str]) -> date | None:
    """The latest date that any of ``instruments`` (raw.prices), any ETF (raw.etf_shares) or
    any macro series (raw.macro_observations) has reached; None if nothing is loaded. Members'
    prices do not count: a member's file may run on after every instrument's."""
    ensure_schema(con)
    ((latest,),) = con.execute(
        """
        select max(day) from (
            select max(date) as day from raw.prices where symbol in (select unnest(?))
            union all
            select max(date) from raw.etf_shares
            union all
            select max(date) from raw.macro_observations
        )
        """,
        [instruments],
    ).fetchall()
    return latest


def recent_prices(
    con: duckdb.DuckDBPyConnection, last_loaded: dict[str, object], days: int
) -> pd.DataFrame:
    """symbol, date, close, adj_close and last_date (the symbol's last loaded date, as given)
    of each symbol of ``last_loaded`` from ``days`` before that date on: what a load's overlap
    fetches again."""
    ensure_schema(con)
    since = pd.DataFrame({"symbol": list(last_loaded), "last_date": list(last_loaded.values())})
    since["last_date"] = pd.to_datetime(since["last_date"])
    con.register("recent_since", since)
    try:
        frame = con.execute(
            """
            select prices.symbol, prices.date, prices.close, prices.adj_close,
                recent_since.last_date
            from raw.prices as prices
            inner join recent_since on recent_since.symbol = prices.symbol
            where prices.date >= cast(recent_since.last_date as date) - cast(? as integer)
            """,
            [days],
        ).df()
    finally:
        con.unregister("recent_since")
    return frame.astype({"date": "datetime64[ns]", "last_date": "datetime64[ns]"})


def member_needs(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Every symbol of any holdings snapshot in ``raw.constituents``: the date its prices are
    needed until, None while it is in a fund's latest snapshot, else the first snapshot that
    no longer holds it (of its last fund): a member that left counts for the days it was held.
    """
    ensure_schema(con)
    rows = con.execute(
        """
        with held as (
            select fund, symbol, max(date) as last_held from raw.constituents group by all
        ),
        snapshots as (select distinct fund, date from raw.constituents),
        left_on as (
            select held.symbol, min(snapshots.date) as left_date
            from held
            left join snapshots
                on snapshots.fund = held.fund and snapshots.date > held.last_held
            group by held.fund, held.symbol
        )
        select symbol, if(bool_or(left_date is null), null, max(left_date))
        from left_on
        group by symbol
        order by symbol
        """
    ).fetchall()
    return dict(rows)


def macro_vintages(con: duckdb.DuckDBPyConnection, series_ids: list[str]) -> pd.DataFrame:
    """series_id, date, realtime_start, value of every stored vintage of ``series_ids``."""
    ensure_schema(con)
    return con.execute(
        "select series_id, cast(date as timestamp) as date,"
        " cast(realtime_start as timestamp) as realtime_start, value"
        " from raw.macro_observations where series_id in (select unnest(?))",
        [series_ids],
    ).df()
