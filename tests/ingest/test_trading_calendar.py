"""raw.trading_calendar: its span (the start date through the latest day any instrument, ETF or
macro series has reached, never after today), how it is written, and the asset that writes it.

Expected days are counted by hand from a calendar of June 2026: Monday the 1st, Juneteenth on
Friday the 19th (the NYSE closes), the 20th a Saturday.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from dagster import AssetKey, materialize

from dagster_project import warehouse
from dagster_project.definitions import defs
from dagster_project.resources import SourceResource, WarehouseResource, build_resources
from dagster_project.trading_calendar import calendar_days, trading_calendar

JUNE = date(2026, 6, 1)
TODAY = date(2026, 7, 31)


def june(*days: int) -> list[str]:
    return [f"2026-06-{day:02d}" for day in days]


WEEKDAYS_TO_18 = june(1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15, 16, 17, 18)


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        warehouse.ensure_schema(connection)
        yield connection


def load(con, table: str, rows: list[tuple[str, str]]) -> None:
    """(key, date) rows into raw.<table>, with a value that passes its contract."""
    key = "series_id" if table == "macro_observations" else "symbol"
    frame = pd.DataFrame(rows, columns=[key, "date"]).assign(date=lambda f: pd.to_datetime(f.date))
    if table == "prices":
        frame["close"] = 100.0
    elif table == "etf_shares":
        frame["shares_outstanding"] = 1e6
    else:
        frame = frame.assign(value=1.0, realtime_start=frame["date"], realtime_kind="vintage")
    warehouse.upsert(con, table, frame, source="test")


def days(index: pd.DatetimeIndex) -> list[str]:
    return list(index.strftime("%Y-%m-%d"))


def test_nothing_loaded_is_an_empty_calendar(con):
    assert len(calendar_days(con, JUNE, TODAY)) == 0


def test_the_latest_day_of_any_instrument_etf_or_macro_series_ends_it(con):
    load(con, "prices", [("^GSPC", "2026-02-11"), ("SPY", "2026-06-05")])
    assert days(calendar_days(con, JUNE, TODAY)) == june(1, 2, 3, 4, 5)
    load(con, "etf_shares", [("IWM", "2026-06-10")])
    assert days(calendar_days(con, JUNE, TODAY))[-1] == "2026-06-10"
    # a Saturday observation: the calendar ends on the last trading day before it, the 18th
    # (Friday the 19th is Juneteenth)
    load(con, "macro_observations", [("DFF", "2026-06-20")])
    assert days(calendar_days(con, JUNE, TODAY)) == WEEKDAYS_TO_18


def test_a_stale_instrument_does_not_end_it_and_a_member_does_not_extend_it(con):
    load(con, "prices", [("^GSPC", "2026-02-11"), ("^RUT", "2026-06-18")])
    load(con, "prices", [("L0001", "2026-07-15")])  # a fund member, not an instrument
    assert days(calendar_days(con, JUNE, TODAY)) == WEEKDAYS_TO_18


def test_it_never_runs_past_today(con):
    load(con, "macro_observations", [("DFF", "2030-01-02")])
    assert days(calendar_days(con, JUNE, date(2026, 6, 10))) == june(1, 2, 3, 4, 5, 8, 9, 10)


def test_it_starts_at_the_start_date(con):
    load(con, "prices", [("SPY", "2026-06-05")])
    assert days(calendar_days(con, date(2026, 6, 3), TODAY)) == june(3, 4, 5)
    assert len(calendar_days(con, date(2026, 6, 6), TODAY)) == 0  # a start after its end


def test_writing_the_calendar_adds_and_removes_days_and_keeps_the_others(con):
    first = warehouse.write_trading_calendar(con, pd.to_datetime(june(1, 2, 3)))
    assert (first.rows, first.rows_inserted, first.rows_deleted) == (3, 3, 0)
    assert (first.first_day, first.last_day) == (date(2026, 6, 1), date(2026, 6, 3))
    loaded = dict(
        con.execute("select trading_date, loaded_at from raw.trading_calendar").fetchall()
    )

    second = warehouse.write_trading_calendar(con, pd.to_datetime(june(2, 3, 4)))
    assert (second.rows, second.rows_inserted, second.rows_deleted) == (3, 1, 1)
    after = dict(con.execute("select trading_date, loaded_at from raw.trading_calendar").fetchall())
    assert sorted(after) == [date(2026, 6, 2), date(2026, 6, 3), date(2026, 6, 4)]
    assert after[date(2026, 6, 2)] == loaded[date(2026, 6, 2)]  # kept as it was
    assert after[date(2026, 6, 4)] > loaded[date(2026, 6, 3)]

    again = warehouse.write_trading_calendar(con, pd.to_datetime(june(2, 3, 4)))
    assert (again.rows, again.rows_inserted, again.rows_deleted) == (3, 0, 0)


def test_the_asset_writes_the_span_and_reports_it(tmp_path):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as connection:
        warehouse.ensure_schema(connection)
        load(connection, "prices", [("IWM", "2026-06-18")])
    resources = build_resources(
        WarehouseResource(path=str(path)), SourceResource(start_date="2026-06-01")
    )
    result = materialize([trading_calendar], resources=resources)
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = {k: v.value for k, v in event.materialization.metadata.items()}
    assert metadata["rows"] == len(WEEKDAYS_TO_18) == 14
    assert (metadata["first_day"], metadata["last_day"]) == ("2026-06-01", "2026-06-18")
    with duckdb.connect(str(path), read_only=True) as connection:
        stored = connection.sql("select trading_date from raw.trading_calendar order by 1").df()
    assert days(pd.DatetimeIndex(stored["trading_date"])) == WEEKDAYS_TO_18


def test_the_asset_follows_the_loads_and_int_trading_days_reads_it():
    graph = defs.resolve_asset_graph()
    key = AssetKey(["raw", "trading_calendar"])
    assert {AssetKey(["raw", t]) for t in ("prices", "etf_shares", "macro_observations")} <= (
        graph.get(key).parent_keys
    )
    staging = AssetKey(["staging", "stg_raw__trading_calendar"])
    assert key in graph.get(staging).parent_keys
    assert staging in graph.get(AssetKey(["intermediate", "int_trading_days"])).parent_keys
    assert graph.get(key).group_name == "ingest"
