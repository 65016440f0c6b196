"""Vintages of macro observations: a load adds new vintages and never rewrites an old one.

Each case is worked out by hand: what raw.macro_observations must hold after each load.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dagster_project import releases, vintages, warehouse

TODAY = date(2026, 7, 20)


def rows(*records, kind: str | None = "vintage") -> pd.DataFrame:
    """(date, realtime_start or None, value) of UNRATE."""
    frame = pd.DataFrame(
        {
            "series_id": "UNRATE",
            "date": pd.to_datetime([r[0] for r in records]),
            "realtime_start": pd.to_datetime([r[1] for r in records]),
            "value": [r[2] for r in records],
        }
    )
    if kind is not None:
        frame["realtime_kind"] = kind
    return frame


def load(con, frame: pd.DataFrame) -> warehouse.LoadResult:
    """What the ingest does for a macro load that is not a full refresh."""
    frame = vintages.dated(frame)
    stored = warehouse.macro_vintages(con, ["UNRATE"])
    return warehouse.upsert(
        con, "macro_observations", vintages.new_vintages(frame, stored, TODAY), source="t"
    )


def stored(con) -> list[tuple]:
    return [
        (str(d), str(r), v, k)
        for d, r, v, k in con.sql(
            "select date, realtime_start, value, realtime_kind from raw.macro_observations"
            " order by date, realtime_start"
        ).fetchall()
    ]


def test_every_vintage_is_kept(con):
    load(con, rows(("2024-07-01", "2024-08-02", 4.3), ("2024-07-01", "2025-01-10", 4.2)))
    assert stored(con) == [
        ("2024-07-01", "2024-08-02", 4.3, "vintage"),
        ("2024-07-01", "2025-01-10", 4.2, "vintage"),
    ]


def test_a_vintage_repeating_the_value_in_force_adds_nothing(con):
    load(con, rows(("2024-07-01", "2024-08-02", 4.3)))
    # FRED's API starts every period at the real-time start asked for: 4.3 again from 09-06
    result = load(con, rows(("2024-07-01", "2024-09-06", 4.3), ("2024-08-01", "2024-09-06", 4.2)))
    assert (result.rows_inserted, result.rows_updated) == (1, 0)
    assert stored(con) == [
        ("2024-07-01", "2024-08-02", 4.3, "vintage"),
        ("2024-08-01", "2024-09-06", 4.2, "vintage"),
    ]


def test_reloading_the_same_vintages_changes_nothing(con):
    frame = rows(("2024-07-01", "2024-08-02", 4.3), ("2024-07-01", "2025-01-10", 4.2))
    load(con, frame)
    result = load(con, frame)
    assert (result.rows_inserted, result.rows_updated, result.rows_unchanged) == (0, 0, 2)


def test_without_vintages_a_value_is_known_from_its_release_date(con):
    load(con, rows(("2024-07-01", None, 4.2), kind=None))
    expected = releases.release_dates("UNRATE", pd.Series(pd.to_datetime(["2024-07-01"])))
    assert stored(con) == [("2024-07-01", str(expected.iloc[0].date()), 4.2, "estimate")]


def test_without_vintages_a_revision_is_a_new_vintage_from_the_day_it_was_loaded(con):
    load(con, rows(("2024-07-01", None, 4.3), kind=None))
    first = stored(con)[0]
    load(con, rows(("2024-07-01", None, 4.3), kind=None))  # unchanged: nothing new
    assert stored(con) == [first]
    load(con, rows(("2024-07-01", None, 4.2), kind=None))  # revised: known from TODAY
    assert stored(con) == [first, ("2024-07-01", "2026-07-20", 4.2, "loaded")]
    load(con, rows(("2024-07-01", None, 4.2), kind=None))  # the revision again: nothing new
    assert len(stored(con)) == 2


def test_an_estimated_release_date_is_never_after_today():
    # a value the source already has was out by today, whatever the calendar expected
    month = pd.Timestamp(date.today()).to_period("M").to_timestamp()
    frame = vintages.dated(rows((str(month.date()), None, 4.2), kind=None))
    assert frame["realtime_start"].iloc[0] <= pd.Timestamp(date.today())


def test_a_warehouse_from_before_vintages_keeps_its_table_and_reloads(con):
    con.execute("create schema raw")
    con.execute(
        "create table raw.macro_observations (series_id varchar not null, date date not null,"
        " value double not null, realtime_start date, source varchar not null,"
        " loaded_at timestamp not null, primary key (series_id, date))"
    )
    con.execute(
        "insert into raw.macro_observations values ('UNRATE', '2024-07-01', 4.2, null,"
        " 'sample', '2026-01-01')"
    )
    warehouse.ensure_schema(con)
    kept = con.sql("select series_id, value from raw.macro_observations_before_vintages").fetchall()
    assert kept == [("UNRATE", 4.2)]
    assert warehouse.last_dates(con, "macro_observations") == {}  # the next load fetches all
    load(con, rows(("2024-07-01", "2024-08-02", 4.3)))
    assert stored(con) == [("2024-07-01", "2024-08-02", 4.3, "vintage")]
