"""The files source: a file changed anywhere is reloaded whole; an unchanged one incrementally.

Each test loads a folder of small CSVs written here, edits a file the way a corrected download
would (a row years before the overlap changed, a row gone), loads again and reads the warehouse.
Expected values are read off the fixtures; which rows an incremental load reads (its overlap)
is counted from the fixture's dates, independently of the loader.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dagster import materialize
from support.holdings_csv import SMALL_ROWS, holdings_csv

from dagster_project import warehouse
from dagster_project.ingest import all_ingest_assets
from dagster_project.resources import (
    LoadingResource,
    SourceResource,
    WarehouseResource,
    build_resources,
)

OVERLAP_DAYS = 10
DAYS = pd.bdate_range("2020-01-02", "2021-06-30")  # a year and a half of business days
OLD = DAYS[40]  # 2020-02-27: more than a year before the last day, far beyond the overlap


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def resources_for(tmp_path: Path, start_date: str = "2020-01-01") -> dict:
    return build_resources(
        WarehouseResource(path=str(tmp_path / "w.duckdb")),
        SourceResource(name="files", data_dir=str(tmp_path / "drop"), start_date=start_date),
        loading=LoadingResource(overlap_days=OVERLAP_DAYS),
    )


def load(resources: dict, *tables: str):
    assets = [a for a in all_ingest_assets() if a.key.path[1] in tables]
    result = materialize(assets, resources=resources, raise_on_error=False)
    assert result.success
    return result


def meta(result, table: str) -> dict:
    (event,) = result.asset_materializations_for_node(f"raw__{table}")
    return {k: getattr(v, "value", v) for k, v in event.metadata.items()}


def query(resources: dict, sql: str) -> pd.DataFrame:
    with duckdb.connect(resources["warehouse"].database, read_only=True) as con:
        return con.sql(sql).df()


def overlap_rows(days: pd.DatetimeIndex) -> int:
    """Rows an incremental load reads again: from the last day minus the overlap on."""
    return int((days >= days[-1] - timedelta(days=OVERLAP_DAYS)).sum())


# Each table's file: a header and a row per day (i: the day's position, the value's base)
FORMATS = {
    "prices": ("prices", "Date,Close", lambda day, i: f"{day:%Y-%m-%d},{100 + i}"),
    "etf_shares": (
        "etf_shares",
        "date,shares_outstanding,nav",
        lambda day, i: f"{day:%Y-%m-%d},{1_000_000 + i},{50 + i / 100}",
    ),
    "valuations": (
        "valuations",
        "date,forward_pe,trailing_pe",
        lambda day, i: f"{day:%Y-%m-%d},{15 + i / 1000},{18 + i / 1000}",
    ),
}
VALUE = {"prices": "close", "etf_shares": "shares_outstanding", "valuations": "value"}
EDITED = {"prices": "Close", "etf_shares": "shares", "valuations": "forward_pe"}


def file_text(table: str, days: pd.DatetimeIndex, edit: dict | None = None) -> str:
    """The table's file over ``days``; ``edit``: a day's line written as given instead."""
    _, header, line = FORMATS[table]
    rows = [(edit or {}).get(day, line(day, i)) for i, day in enumerate(days)]
    return "\n".join([header, *[r for r in rows if r]]) + "\n"


@pytest.mark.parametrize("table", ["prices", "etf_shares", "valuations"])
def test_an_old_edit_and_a_removed_row_of_a_changed_file_are_loaded(tmp_path, table):
    folder = FORMATS[table][0]
    changed, same = ("IWM", "SPY") if table != "valuations" else ("^RUT", "^GSPC")
    resources = resources_for(tmp_path)
    drop = Path(resources["source"].data_dir)
    for symbol in (changed, same):
        write(drop / folder / f"{symbol}.csv", file_text(table, DAYS))
    load(resources, table)

    gone = DAYS[41]
    edited_line = {
        "prices": f"{OLD:%Y-%m-%d},141.5",  # a correction (140 before), plausible
        "etf_shares": f"{OLD:%Y-%m-%d},777,50.4",
        "valuations": f"{OLD:%Y-%m-%d},99.5,18.04",
    }[table]
    write(drop / folder / f"{changed}.csv", file_text(table, DAYS, {OLD: edited_line, gone: ""}))
    result = load(resources, table)

    m = meta(result, table)
    assert m["reloaded_whole"] == f"{changed} ({folder}/{changed}.csv changed)"
    # valuations: two metrics a day, both gone with the line
    per_day = 2 if table == "valuations" else 1
    assert m["rows_deleted"] == per_day
    # the changed file whole (less the removed day), the unchanged one from its overlap only
    assert m["dagster/row_count"] == per_day * (len(DAYS) - 1 + overlap_rows(DAYS))
    where = f"symbol = '{changed}'" + (
        " and metric = 'forward_pe'" if table == "valuations" else ""
    )
    stored = query(resources, f"select date, {VALUE[table]} as v from raw.{table} where {where}")
    stored = stored.set_index("date")["v"]
    assert stored[OLD] == {"prices": 141.5, "etf_shares": 777, "valuations": 99.5}[table]
    assert gone not in stored.index and len(stored) == len(DAYS) - 1
    # the unchanged file's rows are as first loaded
    assert len(query(resources, f"select * from raw.{table} where symbol = '{same}'")) == (
        per_day * len(DAYS)
    )


def macro_text(series_id: str, months: pd.DatetimeIndex, values: list[float]) -> str:
    rows = [f"{m:%Y-%m-%d},{v}" for m, v in zip(months, values, strict=True)]
    return "\n".join([f"observation_date,{series_id}", *rows]) + "\n"


def test_a_changed_macro_file_replaces_the_series_and_an_unchanged_one_adds_vintages(tmp_path):
    months = pd.date_range("2000-01-01", "2024-12-01", freq="MS")  # 300 months
    unrate = [4.0 + (i % 20) / 10 for i in range(len(months))]
    cpi = [170.0 + i / 2 for i in range(len(months))]
    resources = resources_for(tmp_path, start_date="2000-01-01")
    drop = Path(resources["source"].data_dir)
    write(drop / "macro" / "UNRATE.csv", macro_text("UNRATE", months, unrate))
    write(drop / "macro" / "CPIAUCSL.csv", macro_text("CPIAUCSL", months, cpi))
    load(resources, "macro_observations")

    # June 2005, 19 years before the last month (the overlap of a monthly series is 5 years),
    # corrected; July 2005 gone
    june, july = (
        months.get_loc(pd.Timestamp("2005-06-01")),
        months.get_loc(pd.Timestamp("2005-07-01")),
    )
    corrected = [*unrate]
    corrected[june] = 9.9
    kept = [i for i in range(len(months)) if i != july]
    write(
        drop / "macro" / "UNRATE.csv",
        macro_text("UNRATE", months[kept], [corrected[i] for i in kept]),
    )
    result = load(resources, "macro_observations")

    m = meta(result, "macro_observations")
    assert m["reloaded_whole"] == "UNRATE (macro/UNRATE.csv changed)"
    assert m["rows_deleted"] == 1  # July 2005's one vintage
    # UNRATE's 299 rows and CPIAUCSL's overlap (2024-12-01 minus 5 x 366 + 31 days is
    # 2019-10-28: 2019-11..2024-12, 62 months), read but adding no vintage (all unchanged)
    assert m["dagster/row_count"] == len(months) - 1 + 62
    # of the replaced series only June 2005 changed (same key: its release day): one update
    assert (m["rows_inserted"], m["rows_updated"]) == (0, 1)
    rows = query(
        resources,
        "select date, value, realtime_start, realtime_kind from raw.macro_observations"
        " where series_id = 'UNRATE' and date = '2005-06-01'",
    )
    # the replaced history holds the file's value as of its release date (June 2005's
    # Employment Situation came out on Friday 8 July 2005), not the old value plus a revision
    # 'loaded' today
    assert rows.to_dict("records") == [
        {
            "date": pd.Timestamp("2005-06-01"),
            "value": 9.9,
            "realtime_start": pd.Timestamp("2005-07-08"),
            "realtime_kind": "estimate",
        }
    ]
    counts = query(
        resources,
        "select series_id, count(*) as n, count(distinct date) as days"
        " from raw.macro_observations group by 1 order by 1",
    )
    assert counts.to_dict("list") == {
        "series_id": ["CPIAUCSL", "UNRATE"],
        "n": [len(months), len(months) - 1],
        "days": [len(months), len(months) - 1],
    }


def test_an_unchanged_folder_loads_only_the_overlap(tmp_path):
    resources = resources_for(tmp_path)
    drop = Path(resources["source"].data_dir)
    for symbol in ("IWM", "SPY"):
        write(drop / "prices" / f"{symbol}.csv", file_text("prices", DAYS))
    first = meta(load(resources, "prices"), "prices")
    assert first["reloaded_whole"] == "none" and first["dagster/row_count"] == 2 * len(DAYS)
    again = meta(load(resources, "prices"), "prices")
    assert again["reloaded_whole"] == "none"
    assert again["dagster/row_count"] == 2 * overlap_rows(DAYS)
    assert (again["rows_inserted"], again["rows_updated"], again["rows_deleted"]) == (0, 0, 0)


def test_rows_not_loaded_from_the_file_on_record_reload_it_whole(tmp_path):
    resources = resources_for(tmp_path)
    drop = Path(resources["source"].data_dir)
    write(drop / "prices" / "IWM.csv", file_text("prices", DAYS))
    write(drop / "prices" / "SPY.csv", file_text("prices", DAYS))
    load(resources, "prices")
    with duckdb.connect(resources["warehouse"].database) as con:
        # a warehouse from before digests were kept: SPY's rows have no record
        con.execute("delete from raw.file_digests where key = 'SPY'")
        # another source loaded a day of IWM the file does not have
        saturday = OLD + timedelta(days=2)
        other = pd.DataFrame({"symbol": ["IWM"], "date": [saturday], "close": [5.0]})
        warehouse.upsert(con, "prices", other, source="live")
    result = load(resources, "prices")
    assert meta(result, "prices")["reloaded_whole"] == (
        "IWM (prices/IWM.csv: no digest kept for its stored rows),"
        " SPY (prices/SPY.csv: no digest kept for its stored rows)"
    )
    assert meta(result, "prices")["rows_deleted"] == 1  # the other source's Saturday
    stored = query(resources, "select symbol, count(*) as n from raw.prices group by 1 order by 1")
    assert stored["n"].tolist() == [len(DAYS), len(DAYS)]
    # recorded again: the next run is incremental
    assert meta(load(resources, "prices"), "prices")["reloaded_whole"] == "none"


def test_a_removed_or_renamed_file_keeps_its_rows_and_says_so(tmp_path):
    resources = resources_for(tmp_path)
    drop = Path(resources["source"].data_dir)
    path = drop / "prices" / "IWM.csv"
    write(path, file_text("prices", DAYS))
    write(drop / "prices" / "SPY.csv", file_text("prices", DAYS))
    load(resources, "prices")

    path.rename(drop / "prices" / "IWM (1).csv")  # renamed: no longer IWM's file
    result = load(resources, "prices")
    m = meta(result, "prices")
    assert "IWM: prices/IWM.csv was loaded before and is gone" in m["files_gone"]
    assert "SPY" not in m["files_gone"]
    (check,) = [
        c for c in result.get_asset_check_evaluations() if c.check_name == "all_keys_loaded"
    ]
    assert "prices/IWM (1).csv" in check.metadata["files_ignored"].value
    assert len(query(resources, "select * from raw.prices where symbol = 'IWM'")) == len(DAYS)

    (drop / "prices" / "IWM (1).csv").rename(path)  # back as it was: nothing to reload
    back = meta(load(resources, "prices"), "prices")
    assert back["reloaded_whole"] == "none" and back["files_gone"] == "none"


def test_a_members_changed_file_is_reloaded_whole(tmp_path):
    resources = resources_for(tmp_path)
    drop = Path(resources["source"].data_dir)
    write(drop / "holdings" / "IWM_holdings.csv", holdings_csv("Jun 30, 2021"))
    for symbol in ("IWM", "ACME", "BLUB", "CRNK"):
        write(drop / "prices" / f"{symbol}.csv", file_text("prices", DAYS))
    load(resources, "constituents", "prices")

    write(drop / "prices" / "ACME.csv", file_text("prices", DAYS, {OLD: f"{OLD:%Y-%m-%d},140.5"}))
    m = meta(load(resources, "prices"), "prices")
    assert m["reloaded_whole"] == "ACME (prices/ACME.csv changed)"
    assert m["rows_updated"] == 1
    acme = query(
        resources, f"select close from raw.prices where symbol = 'ACME' and date = '{OLD}'"
    )
    assert acme["close"].tolist() == [140.5]


def test_a_changed_older_holdings_file_replaces_its_snapshot(tmp_path):
    resources = resources_for(tmp_path)
    drop = Path(resources["source"].data_dir)
    older = drop / "holdings" / "IWM_holdings_2020.csv"
    write(older, holdings_csv("Mar 31, 2020"))
    write(drop / "holdings" / "IWM_holdings.csv", holdings_csv("Jun 30, 2021"))
    load(resources, "constituents")

    write(older, holdings_csv("Mar 31, 2020", rows=[r for r in SMALL_ROWS if '"BLUB"' not in r]))
    m = meta(load(resources, "constituents"), "constituents")
    assert m["rows_deleted"] == 1
    held = query(
        resources,
        "select date, list(symbol order by symbol) as symbols from raw.constituents"
        " group by 1 order by 1",
    )
    assert held["symbols"].map(list).tolist() == [["ACME", "CRNK"], ["ACME", "BLUB", "CRNK"]]
    assert [d.date() for d in held["date"]] == [date(2020, 3, 31), date(2021, 6, 30)]
