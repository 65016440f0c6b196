"""ALFRED's vintages: the wide "all vintages" CSV and the real-time periods, through the files
source; their failures; the archive's start; and a folder with an ALFRED file loaded end to end.

Every fixture is written here in ALFRED's format; expected rows are worked out by hand from the
fixture text (each test says how). The project's release calendar is replaced by a stub
(observation date + 1 month + 4 days) where a test depends on it, so that the figures do not
move with the calendar's rules.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dagster import materialize
from support.ingest_runs import by_key

from dagster_project import releases
from dagster_project.resources import SourceResource, WarehouseResource, build_resources
from dagster_project.sources import alfred
from dagster_project.sources.base import LINE, ORIGIN, FetchError
from dagster_project.sources.files import FilesSource

EVER = (date(1900, 1, 1), date(2100, 12, 31))

# UNRATE as five vintages saw it (vintage dates: Employment Situation days)
WIDE = """\
observation_date,UNRATE_20240705,UNRATE_20240802,UNRATE_20240906,UNRATE_20250110,UNRATE_20250207
2024-04-01,3.9,3.9,3.9,3.9,3.9
2024-05-01,4.0,4.0,4.0,4.1,4.1
2024-06-01,4.1,4.1,4.1,4.1,4.1
2024-07-01,.,4.3,4.30,4.2,4.2
2024-08-01,.,.,4.2,,4.2
2024-09-01,,,.,4.1,4.1
"""

# the same history as ALFRED's real-time periods (realtime_end 9999-12-31: still in force)
PERIODS = """\
realtime_start,realtime_end,date,value
2024-07-05,9999-12-31,2024-04-01,3.9
2024-07-05,2025-01-09,2024-05-01,4.0
2025-01-10,9999-12-31,2024-05-01,4.1
2024-07-05,9999-12-31,2024-06-01,4.1
2024-08-02,2025-01-09,2024-07-01,4.3
2025-01-10,9999-12-31,2024-07-01,4.2
2024-09-06,2025-01-09,2024-08-01,4.2
2025-01-10,2025-02-06,2024-08-01,.
2025-02-07,9999-12-31,2024-08-01,4.2
2025-01-10,9999-12-31,2024-09-01,4.1
"""

# By hand, both files give these vintages (date, realtime_start, value, kind):
# - 2024-04-01 is first seen in the earliest vintage (2024-07-05) but released (stub) 2024-05-05:
#   known from then, kind estimate; later vintages repeat 3.9 and add nothing;
# - 2024-05-01 likewise from 2024-06-05 at 4.0, revised to 4.1 in the vintage of 2025-01-10;
# - 2024-06-01: released (stub) 2024-07-05, not before the earliest vintage: stays a vintage;
# - 2024-07-01: 4.3 from 2024-08-02 ("4.30" on 2024-09-06 is the same number), 4.2 from
#   2025-01-10;
# - 2024-08-01: 4.2 from 2024-09-06; its value disappears on 2025-01-10 and comes back equal on
#   2025-02-07: no vintage (the last number is kept);
# - 2024-09-01: 4.1 from 2025-01-10.
EXPECTED = [
    ("2024-04-01", "2024-05-05", 3.9, "estimate"),
    ("2024-05-01", "2024-06-05", 4.0, "estimate"),
    ("2024-05-01", "2025-01-10", 4.1, "vintage"),
    ("2024-06-01", "2024-07-05", 4.1, "vintage"),
    ("2024-07-01", "2024-08-02", 4.3, "vintage"),
    ("2024-07-01", "2025-01-10", 4.2, "vintage"),
    ("2024-08-01", "2024-09-06", 4.2, "vintage"),
    ("2024-09-01", "2025-01-10", 4.1, "vintage"),
]


@pytest.fixture
def calendar(monkeypatch):
    """The release calendar as a stub: an observation is released 1 month and 4 days later."""

    def stub(series_id: str, dates: pd.Series) -> pd.Series:
        return pd.to_datetime(dates) + pd.DateOffset(months=1, days=4)

    monkeypatch.setattr(releases, "release_dates", stub)


def drop(root: Path, name: str, text: str) -> Path:
    path = root / "macro" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [
        (r.date.strftime("%Y-%m-%d"), r.realtime_start.strftime("%Y-%m-%d"), r.value, r.kind)
        for r in frame.rename(columns={"realtime_kind": "kind"}).itertuples()
    ]


def test_the_wide_csv_gives_each_change_as_a_vintage(tmp_path, calendar):
    drop(tmp_path, "UNRATE.csv", WIDE)
    frame = FilesSource(tmp_path).macro("UNRATE", *EVER)
    assert list(frame.columns.drop([ORIGIN, LINE])) == [
        "series_id", "date", "value", "realtime_start", "realtime_kind"
    ]  # fmt: skip
    assert rows(frame) == EXPECTED
    assert set(frame["series_id"]) == {"UNRATE"}
    assert frame["realtime_start"].dtype == frame["date"].dtype and frame["value"].dtype == float


def test_the_real_time_periods_give_the_same_vintages(tmp_path, calendar):
    drop(tmp_path, "UNRATE.csv", PERIODS)
    assert rows(FilesSource(tmp_path).macro("UNRATE", *EVER)) == EXPECTED


def test_the_older_date_header_and_a_window(tmp_path, calendar):
    # ALFRED's files before 2024 say DATE; the window keeps 2024-07-01..2024-08-31 (by hand:
    # the rows of 2024-07-01 and 2024-08-01 of EXPECTED)
    drop(tmp_path, "UNRATE.csv", WIDE.replace("observation_date", "DATE"))
    frame = FilesSource(tmp_path).macro("UNRATE", date(2024, 7, 1), date(2024, 8, 31))
    assert rows(frame) == EXPECTED[4:7]


def test_rows_dated_after_today_stay_out(tmp_path, calendar, caplog):
    text = WIDE + "2099-01-01,.,.,.,.,9.9\n"
    path = drop(tmp_path, "UNRATE.csv", text)
    with caplog.at_level(logging.WARNING):
        frame = FilesSource(tmp_path).macro("UNRATE", date(1900, 1, 1), date.today())
    assert rows(frame) == EXPECTED
    assert f"{path} has 1 row(s) dated after today" in caplog.text


def test_a_plain_fred_csv_has_no_vintages(tmp_path):
    # one vintage without dates: the loader dates it by the calendar
    drop(tmp_path, "UNRATE.csv", "observation_date,UNRATE\n2024-05-01,4.0\n2024-06-01,.\n")
    frame = FilesSource(tmp_path).macro("UNRATE", *EVER)
    assert list(frame.columns.drop([ORIGIN, LINE])) == ["series_id", "date", "value"]
    assert (frame["date"].tolist(), frame["value"].tolist()) == (
        [pd.Timestamp("2024-05-01")],
        [4.0],
    )


def test_a_single_vintage_column_is_a_vintage(tmp_path, calendar):
    # 2024-05-01 released (stub) 2024-06-05, before the only vintage: estimate; 2024-06-01
    # released 2024-07-05, the vintage's day: vintage
    drop(
        tmp_path, "UNRATE.csv", "observation_date,UNRATE_20240705\n2024-05-01,4.0\n2024-06-01,4.1\n"
    )
    assert rows(FilesSource(tmp_path).macro("UNRATE", *EVER)) == [
        ("2024-05-01", "2024-06-05", 4.0, "estimate"),
        ("2024-06-01", "2024-07-05", 4.1, "vintage"),
    ]


def test_a_cell_that_is_no_number_passes_through_to_quarantine(tmp_path, calendar):
    drop(tmp_path, "DFF.csv", "observation_date,DFF_20260105,DFF_20260106\n2026-01-05,ND,3.64\n")
    frame = FilesSource(tmp_path).macro("DFF", *EVER)
    assert frame["value"].tolist() == ["ND", "3.64"]


# --- failures, each naming the series and the file ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "observation_date,UNRATE_20240705,UNRATE_2024X705\n2024-06-01,4.1,4.1\n",
            "vintage column UNRATE_2024X705: '2024X705' is not a date",
        ),
        (
            "observation_date,UNRATE_20240705,UNRATE_20240802\n2024-06-01,.,.\n2024-07-01,.,\n",
            "no value at all: every cell is '.' or empty",
        ),
        (
            "observation_date,UNRATE_20240705,PAYEMS_20240705\n2024-06-01,4.1,206\n",
            "column PAYEMS_20240705 is not a vintage of UNRATE",
        ),
        (
            "observation_date,PAYEMS_20240705\n2024-06-01,206\n",
            "column PAYEMS_20240705 is not a vintage of UNRATE",
        ),
        (
            "realtime_start,realtime_end,date,value\n2024-08-02,2024-07-04,2024-06-01,4.1\n",
            "real-time period(s) ending before they start (date 2024-06-01: realtime_start"
            " 2024-08-02, realtime_end 2024-07-04)",
        ),
        (
            "realtime_start,realtime_end,date,value\n2024-07-05,9999-12-31,2024-06-01,.\n",
            "no value at all",
        ),
        (
            "realtime_start,realtime_end,date,value\n2024-07-05,soon,2024-06-01,4.1\n",
            "realtime_end 'soon' is not a date",
        ),
        (
            "observation_date,UNRATE_20240705\n2024-06-01,4.1\n2024-06-01,4.2\n",
            "different rows for the same date: 2024-06-01 (lines 2, 3)",
        ),
    ],
)
def test_a_broken_download_is_refused_by_series_and_file(tmp_path, text, problem):
    path = drop(tmp_path, "UNRATE.csv", text)
    with pytest.raises(FetchError) as error:
        FilesSource(tmp_path).macro("UNRATE", *EVER)
    assert error.value.key == "UNRATE" and error.value.where == str(path)
    assert problem in str(error.value)


# --- the archive's start ------------------------------------------------------------------------


def frame_of(*vintages: tuple[str, str, str]) -> pd.DataFrame:
    """Vintages (date, realtime_start, value) as alfred's rows."""
    return pd.DataFrame(
        {
            "series_id": "UNRATE",
            "date": pd.to_datetime([v[0] for v in vintages]),
            "value": [v[2] for v in vintages],
            "realtime_start": pd.to_datetime([v[1] for v in vintages]),
            "realtime_kind": "vintage",
        }
    )


def test_only_first_vintages_in_the_earliest_one_move_to_their_release(calendar):
    frame = frame_of(
        ("2019-01-01", "2024-07-05", "4.0"),  # archive's first day; released 2019-02-05: moves
        ("2019-01-01", "2024-08-02", "4.1"),  # a revision: a real vintage, stays
        ("2019-02-01", "2024-08-02", "3.8"),  # first seen after the earliest vintage: stays
        ("2024-06-01", "2024-07-05", "4.1"),  # released 2024-07-05, not before: stays
    )
    out = alfred.backdate_archive_start("UNRATE", frame)
    assert rows(out) == [
        ("2019-01-01", "2019-02-05", "4.0", "estimate"),
        ("2019-01-01", "2024-08-02", "4.1", "vintage"),
        ("2019-02-01", "2024-08-02", "3.8", "vintage"),
        ("2024-06-01", "2024-07-05", "4.1", "vintage"),
    ]


def test_fred_release_dates_date_the_archive_start_where_they_reach(calendar):
    # FRED lists releases from 2019-01-04 on. By hand: 2019-01-01's month ends 2019-01-31, the
    # first listed date after it is 2019-02-01 (kind release); 2018-12-01's month ended before
    # FRED's first date: the calendar stub's 2019-01-05 (kind estimate); 2019-02-01's month ends
    # 2019-02-28, the first date after it is 2019-03-08.
    frame = frame_of(
        ("2018-12-01", "2024-07-05", "3.9"),
        ("2019-01-01", "2024-07-05", "4.0"),
        ("2019-02-01", "2024-07-05", "3.8"),
    )
    published = pd.Series(pd.to_datetime(["2019-01-04", "2019-02-01", "2019-03-08", "2024-07-05"]))
    out = alfred.backdate_archive_start("UNRATE", frame, published)
    assert rows(out) == [
        ("2018-12-01", "2019-01-05", "3.9", "estimate"),
        ("2019-01-01", "2019-02-01", "4.0", "release"),
        ("2019-02-01", "2019-03-08", "3.8", "release"),
    ]


def test_a_daily_series_is_released_after_the_day_itself(calendar):
    # DFF is daily: 2024-07-01's first release date after it is 2024-07-02, not after a month
    frame = frame_of(("2024-07-01", "2024-08-02", "5.33")).assign(series_id="DFF")
    published = pd.Series(pd.to_datetime(["2024-07-01", "2024-07-02", "2024-07-03"]))
    out = alfred.backdate_archive_start("DFF", frame, published)
    assert rows(out) == [("2024-07-01", "2024-07-02", "5.33", "release")]


# --- end to end: a folder with an ALFRED file into a warehouse ----------------------------------

# vintage dates are the Employment Situation days the values were published: no observation is
# older than the earliest vintage's release, so every row is a vintage whatever the calendar
E2E = """\
observation_date,UNRATE_20240705,UNRATE_20240802,UNRATE_20240906
2024-06-01,4.1,4.1,4.1
2024-07-01,.,4.3,4.3
2024-08-01,.,.,4.2
"""


# a month later, a new vintage revises July
E2E_LATER = """\
observation_date,UNRATE_20240705,UNRATE_20240802,UNRATE_20240906,UNRATE_20241004
2024-06-01,4.1,4.1,4.1,4.1
2024-07-01,.,4.3,4.3,4.2
2024-08-01,.,.,4.2,4.2
"""


def test_a_folder_with_an_alfred_file_loads_every_vintage(tmp_path):
    data = tmp_path / "drop"
    drop(data, "UNRATE.csv", E2E + "2024-09-01,,,\n")
    drop(data, "DGS10.csv", "observation_date,DGS10\n2024-07-01,4.47\n")  # no vintages
    resources = build_resources(
        WarehouseResource(path=str(tmp_path / "w.duckdb")),
        SourceResource(name="files", data_dir=str(data), start_date="2024-01-01"),
    )
    macro = by_key("raw/macro_observations")

    def stored() -> list[tuple]:
        with duckdb.connect(resources["warehouse"].database, read_only=True) as con:
            return con.sql(
                "select series_id, strftime(date, '%Y-%m-%d'), strftime(realtime_start,"
                " '%Y-%m-%d'), value, realtime_kind from raw.macro_observations"
                " order by all"
            ).fetchall()

    assert materialize([macro], resources=resources).success
    every_vintage = [  # by hand from E2E: 4.1 once, 4.3 once (repeated after), 4.2
        ("UNRATE", "2024-06-01", "2024-07-05", 4.1, "vintage"),
        ("UNRATE", "2024-07-01", "2024-08-02", 4.3, "vintage"),
        ("UNRATE", "2024-08-01", "2024-09-06", 4.2, "vintage"),
    ]
    loaded = stored()
    assert [r for r in loaded if r[0] == "UNRATE"] == every_vintage
    (dgs10,) = [r for r in loaded if r[0] == "DGS10"]
    assert dgs10[1:4:2] == ("2024-07-01", 4.47) and dgs10[4] == "estimate"

    # the new vintage is one more row (July's revision); the others stay as they were
    drop(data, "UNRATE.csv", E2E_LATER)
    assert materialize([macro], resources=resources).success
    assert [r for r in stored() if r[0] == "UNRATE"] == sorted(
        [*every_vintage, ("UNRATE", "2024-07-01", "2024-10-04", 4.2, "vintage")]
    )


def test_loading_a_revised_observation_from_before_the_archive_again_adds_nothing(tmp_path):
    # 2023-01-01 predates the archive (first seen in its earliest vintage, released long
    # before): its first vintage is dated by the calendar, its revision is a vintage. Loaded
    # twice (the second load's window, five years back, holds it), the warehouse must not change.
    data = tmp_path / "drop"
    drop(
        data, "UNRATE.csv", "observation_date,UNRATE_20240705,UNRATE_20240802\n2023-01-01,3.4,3.5\n"
    )
    resources = build_resources(
        WarehouseResource(path=str(tmp_path / "w.duckdb")),
        SourceResource(name="files", data_dir=str(data), start_date="2020-01-01"),
    )
    macro = by_key("raw/macro_observations")

    def stored() -> list[tuple]:
        with duckdb.connect(resources["warehouse"].database, read_only=True) as con:
            return con.sql("select * exclude (loaded_at) from raw.macro_observations").fetchall()

    assert materialize([macro], resources=resources).success
    first = stored()
    assert len(first) == 2
    assert materialize([macro], resources=resources).success
    assert stored() == first
