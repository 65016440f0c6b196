"""The files source through raw/prices: bad cells quarantined, missing and unknown files reported,
revisions and re-based files reloaded, a conflicting or wrong file refused, a stale file warned
of."""

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from dagster import AssetCheckSeverity, materialize
from support.ingest_runs import (
    by_key,
    completeness,
    files_at,
    last_load,
    load_prices,
    materialization,
    query,
    write,
)


@pytest.fixture
def files_resources(tmp_path) -> dict:
    data = tmp_path / "drop"
    write(
        data / "prices" / "IWM.csv",
        "Date,Open,High,Low,Close,Adj Close,Volume\r\n"
        "2026-01-06,200,202,199,201,200.5,1000\r\n"
        "2026-01-05,199,201,198,200,199.5,900\r\n",  # CRLF, unsorted
    )
    write(data / "prices" / "^RUT.csv", "\ufeffDate,Close\n2026-01-05,2500\n2026-01-06,n/a\n")
    write(data / "prices" / "QQQ.csv", "Date,Close\n2026-01-05,500\n")  # not an instrument
    return files_at(data, tmp_path)


def test_files_load_quarantines_bad_cells_and_reports_missing_and_unknown_files(files_resources):
    result = load_prices(files_resources)
    assert result.success  # missing files (no SPY.csv) and unknown files do not fail the load
    meta = materialization(result, "raw__prices")
    assert (meta["rows_inserted"], meta["rows_quarantined"]) == (3, 1)  # ^RUT's "n/a"
    assert meta["keys_loaded"] == "IWM, ^RUT"
    check = completeness(result)
    assert check.passed
    assert "prices/QQQ.csv: QQQ is not in dbt_models/seeds/instruments.csv" in (
        check.metadata["files_ignored"].value
    )
    assert "no file prices/SPY.csv" in check.metadata["not_provided_by_source"].value


def test_files_reload_updates_revisions_and_counts_them(files_resources):
    assert load_prices(files_resources).success
    data = files_resources["source"].data_dir
    write(
        Path(data) / "prices" / "IWM.csv",
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2026-01-05,199,201,198,200,199.5,900\n"
        "2026-01-06,200,202,199,201.25,200.75,1000\n"  # revised close
        "2026-01-07,201,204,200,203,202.5,1100\n",  # a new day
    )
    assert load_prices(files_resources).success
    log = last_load(files_resources)
    # IWM: 01-07 new, 01-06 revised, 01-05 as before; ^RUT: one row as before, one quarantined
    assert (log["rows_inserted"], log["rows_updated"], log["rows_unchanged"]) == (1, 1, 2)
    assert log["rows_quarantined"] == 1


def prices_csv(path: Path, days: pd.DatetimeIndex, adj_close: np.ndarray) -> None:
    lines = ["Date,Open,High,Low,Close,Adj Close,Volume"] + [
        f"{day:%Y-%m-%d},100,102,99,101,{adj:.6f},1000"
        for day, adj in zip(days, adj_close, strict=True)
    ]
    write(path, "\n".join(lines) + "\n")


def test_a_redownloaded_file_with_a_rebased_history_replaces_the_whole_history(files_resources):
    # a month of IWM, then the file downloaded again the day after a dividend went ex: a new
    # day, and every earlier Adj Close scaled by 0.99, far beyond the 10-day overlap. The file
    # changed, so it is read whole anyway (not found re-based from its overlap)
    path = Path(files_resources["source"].data_dir) / "prices" / "IWM.csv"
    days = pd.bdate_range("2026-01-02", "2026-02-13")
    adj_close = np.linspace(95.0, 100.0, len(days))
    prices_csv(path, days[:-1], adj_close[:-1])
    assert load_prices(files_resources).success
    prices_csv(path, days, np.append(adj_close[:-1] * 0.99, adj_close[-1]))
    result = load_prices(files_resources)
    assert result.success
    meta = materialization(result, "raw__prices")
    assert meta["reloaded_whole"] == "IWM (prices/IWM.csv changed)"
    assert meta["fetched_again_whole"] == "none"
    with duckdb.connect(files_resources["warehouse"].database, read_only=True) as con:
        stored = con.execute(
            "select adj_close from raw.prices where symbol = 'IWM' order by date"
        ).fetchall()
    expected = np.append(adj_close[:-1] * 0.99, adj_close[-1]).round(6)
    assert np.allclose([a for (a,) in stored], expected, rtol=0, atol=1e-9)
    log = last_load(files_resources)
    assert (log["rows_inserted"], log["rows_updated"]) == (1, len(days) - 1)


def test_conflicting_duplicate_dates_fail_the_file_and_change_nothing(files_resources):
    assert load_prices(files_resources).success
    with duckdb.connect(files_resources["warehouse"].database, read_only=True) as con:
        before = con.execute("select * from raw.prices order by all").df()
    write(
        Path(files_resources["source"].data_dir) / "prices" / "IWM.csv",
        "Date,Close\n2026-01-05,200\n2026-01-05,250\n2026-01-06,999\n",
    )
    result = load_prices(files_resources, full_refresh=True)
    assert not result.success
    check = completeness(result)
    assert check.description == "failed: IWM"
    assert (
        "IWM.csv" in check.metadata["failed"].value
        and "2026-01-05" in check.metadata["failed"].value
    )
    with duckdb.connect(files_resources["warehouse"].database, read_only=True) as con:
        after = con.execute("select * from raw.prices order by all").df()
    pd.testing.assert_frame_equal(after, before)


def test_a_price_file_that_stopped_updating_warns(tmp_path):
    data = tmp_path / "drop"
    write(data / "prices" / "^GSPC.csv", "Date,Close\n2026-01-05,6900\n")
    write(data / "prices" / "SPY.csv", "Date,Close\n2026-01-05,690\n2026-01-20,695\n")
    resources = files_at(data, tmp_path)
    result = materialize([by_key("raw/constituents"), by_key("raw/prices")], resources=resources)
    assert result.success  # a warning: the marts go on
    (current,) = [
        c for c in result.get_asset_check_evaluations() if c.check_name == "instruments_current"
    ]
    assert not current.passed and current.severity == AssetCheckSeverity.WARN
    assert current.description == "stale: ^GSPC"
    assert "15 days before SPY's (2026-01-20)" in current.metadata["stale"].value


def test_a_corrected_file_removes_the_rows_a_wrong_file_left(tmp_path):
    data = tmp_path / "drop"
    resources = files_at(data, tmp_path, start_date="1990-01-01")
    spy = "Date,Close\n1995-01-03,45\n2000-05-26,140\n2000-05-30,141\n"
    write(data / "prices" / "IWM.csv", spy)  # SPY's file saved as IWM's
    assert load_prices(resources).success
    write(data / "prices" / "IWM.csv", "Date,Close\n2000-05-26,90\n2000-05-30,91\n")
    # the file changed: reloaded whole, not from the overlap, so the 1995 row would go: a third
    # of IWM's history, more than a changed file may delete unless the user says so
    refused = load_prices(resources)
    assert not refused.success
    assert "IWM: this load would delete 1 of its 3 stored rows from 1990-01-01 (33%" in (
        completeness(refused).metadata["refused"].value
    )
    assert query(resources, "select count(*) n from raw.prices")["n"].tolist() == [3]
    result = load_prices(resources, allow_shrink=True)
    assert materialization(result, "raw__prices")["rows_deleted"] == 1
    iwm = query(resources, "select date, close from raw.prices where symbol = 'IWM' order by 1")
    assert iwm["close"].tolist() == [90.0, 91.0]
    # a full refresh reads it whole again: nothing left to delete
    result = load_prices(resources, full_refresh=True)
    assert materialization(result, "raw__prices")["rows_deleted"] == 0
    assert materialization(result, "raw__prices")["reloaded_whole"] == "none"
