"""The marts' trading calendar, ``raw.trading_calendar``: reference data the project builds
(dagster_project.trading_calendar), not a provider's load. It is written whole
(``write_trading_calendar``) and has no row in the load log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pandas as pd

from dagster_project.warehouse.schema import ensure_schema, transaction


@dataclass(frozen=True)
class CalendarResult:
    rows: int
    rows_inserted: int
    rows_deleted: int
    first_day: date | None
    last_day: date | None


def write_trading_calendar(
    con: duckdb.DuckDBPyConnection, days: pd.DatetimeIndex
) -> CalendarResult:
    """Make raw.trading_calendar exactly ``days``, in one transaction: days new to it are
    inserted, days no longer in it deleted, the others left as they were (their loaded_at
    too, so a day's loaded_at says when it joined the calendar)."""
    ensure_schema(con)
    frame = pd.DataFrame({"trading_date": pd.DatetimeIndex(days).normalize().unique()})
    with transaction(con):
        con.register("calendar_frame", frame)
        ((deleted,),) = con.execute(
            "delete from raw.trading_calendar where trading_date not in"
            " (select cast(trading_date as date) from calendar_frame)"
        ).fetchall()
        ((inserted,),) = con.execute(
            "insert into raw.trading_calendar select distinct cast(trading_date as date), ?"
            " from calendar_frame where cast(trading_date as date) not in"
            " (select trading_date from raw.trading_calendar)",
            [datetime.now(UTC).replace(tzinfo=None)],
        ).fetchall()
        con.unregister("calendar_frame")
        ((rows, first, last),) = con.execute(
            "select count(*), min(trading_date), max(trading_date) from raw.trading_calendar"
        ).fetchall()
    return CalendarResult(rows, inserted, deleted, first, last)
