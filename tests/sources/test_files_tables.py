"""The files source: macro (FRED's graph CSV), ETF shares and valuations files.

Every fixture is a small CSV written here; expected values are read off the fixture text.
"""

from __future__ import annotations

import logging
import math

import pytest
from support.files_drop import data_columns, days, drop, read_all

from dagster_project.sources.base import FetchError
from dagster_project.sources.files import FilesSource

# --- macro ------------------------------------------------------------------------------------


def test_fred_observation_date_with_dot_and_empty_missing(tmp_path):
    drop(
        tmp_path,
        "macro/UNRATE.csv",
        [
            "observation_date,UNRATE",
            "2025-09-01,4.4",
            "2025-10-01,.",
            "2025-11-01,4.6",
            "2025-12-01,",
            "2026-01-01,4.4",
        ],
    )
    frame = read_all(FilesSource(tmp_path), "macro", "UNRATE")
    assert data_columns(frame) == ["series_id", "date", "value"]
    assert days(frame) == ["2025-09-01", "2025-11-01", "2026-01-01"]
    assert frame["value"].tolist() == [4.4, 4.6, 4.4]
    assert frame["series_id"].unique().tolist() == ["UNRATE"]


def test_fred_older_date_header_and_lower_case_series(tmp_path):
    drop(tmp_path, "macro/DGS10.csv", ["DATE,dgs10", "2026-01-02,4.19", "2026-01-05,."])
    frame = read_all(FilesSource(tmp_path), "macro", "DGS10")
    assert (days(frame), frame["value"].tolist()) == (["2026-01-02"], [4.19])


def test_fred_value_in_second_column_under_another_name(tmp_path):
    drop(tmp_path, "macro/DFF.csv", ["date,value", "2026-01-02,3.64"])
    frame = read_all(FilesSource(tmp_path), "macro", "DFF")
    assert frame["value"].tolist() == [3.64]


def test_fred_file_holding_another_series_names_both(tmp_path):
    drop(tmp_path, "macro/DGS10.csv", ["observation_date,DGS2", "2026-01-02,3.47"])
    with pytest.raises(FetchError, match="value column is DGS2, not DGS10") as error:
        read_all(FilesSource(tmp_path), "macro", "DGS10")
    assert "macro/DGS10.csv" in str(error.value)


def test_fred_non_numeric_value_passes_through(tmp_path):
    drop(tmp_path, "macro/DFF.csv", ["observation_date,DFF", "2026-01-02,3.64", "2026-01-05,ND"])
    frame = read_all(FilesSource(tmp_path), "macro", "DFF")
    assert frame["value"].tolist() == ["3.64", "ND"]


def test_fred_conflicting_dates_name_file_and_date(tmp_path):
    path = drop(tmp_path, "macro/UNRATE.csv", ["DATE,UNRATE", "2026-01-01,4.4", "2026-01-01,4.3"])
    with pytest.raises(FetchError, match="2026-01-01") as error:
        read_all(FilesSource(tmp_path), "macro", "UNRATE")
    assert str(path) in str(error.value)


def test_fred_without_a_value_column(tmp_path):
    path = drop(tmp_path, "macro/UNRATE.csv", ["observation_date", "2026-01-01"])
    with pytest.raises(FetchError, match="unrate") as error:
        read_all(FilesSource(tmp_path), "macro", "UNRATE")
    assert str(path) in str(error.value) and "observation_date" in str(error.value)


# --- etf_shares -------------------------------------------------------------------------------


def test_etf_shares_in_units(tmp_path):
    drop(
        tmp_path,
        "etf_shares/IWM.csv",
        [
            "date,shares_outstanding,nav,total_net_assets",
            "2026-01-05,275150000,250.81,69010000000",
            "2026-01-02,274000000,247.90,67924600000",
        ],
    )
    frame = read_all(FilesSource(tmp_path), "etf_shares", "IWM")
    assert data_columns(frame) == [
        "symbol",
        "date",
        "shares_outstanding",
        "nav",
        "total_net_assets",
    ]
    assert days(frame) == ["2026-01-02", "2026-01-05"]
    assert frame["shares_outstanding"].tolist() == [274000000, 275150000]
    assert frame["nav"].tolist() == [247.90, 250.81]
    assert frame["total_net_assets"].tolist() == [67924600000, 69010000000]


def test_etf_shares_in_millions_and_empty_rows_absent(tmp_path):
    drop(
        tmp_path,
        "etf_shares/IWM.csv",
        [
            "date,shares_outstanding_m,nav,total_net_assets_musd",
            "2021-07-08,,229.01,68900.0",
            "2021-07-09,,,",
            "2021-07-12,300.5,226.5,68065.25",
        ],
    )
    frame = read_all(FilesSource(tmp_path), "etf_shares", "IWM")
    assert days(frame) == ["2021-07-08", "2021-07-12"]
    assert math.isnan(frame["shares_outstanding"].iloc[0])
    assert frame["shares_outstanding"].iloc[1] == 300_500_000
    assert frame["nav"].tolist() == [229.01, 226.5]  # nav is never scaled
    assert frame["total_net_assets"].tolist() == [68_900_000_000, 68_065_250_000]


def test_etf_shares_without_total_net_assets(tmp_path):
    drop(tmp_path, "etf_shares/SPY.csv", ["Date,Shares_Outstanding,NAV", "2026-01-02,1000,681.5"])
    frame = read_all(FilesSource(tmp_path), "etf_shares", "SPY")
    assert frame[["shares_outstanding", "nav"]].iloc[0].tolist() == [1000, 681.5]
    assert math.isnan(frame["total_net_assets"].iloc[0])


def test_etf_shares_text_in_a_millions_column_is_kept(tmp_path):
    drop(
        tmp_path,
        "etf_shares/IWM.csv",
        ["date,shares_outstanding_m,nav", "2026-01-02,-,247.90", "2026-01-05,2.5,250.81"],
    )
    frame = read_all(FilesSource(tmp_path), "etf_shares", "IWM")
    assert frame["shares_outstanding"].tolist() == ["-", "2500000.0"]


def test_etf_shares_missing_nav(tmp_path):
    path = drop(tmp_path, "etf_shares/IWM.csv", ["date,shares_outstanding_m", "2026-01-02,1"])
    with pytest.raises(FetchError, match="nav") as error:
        read_all(FilesSource(tmp_path), "etf_shares", "IWM")
    assert str(path) in str(error.value)
    assert "shares_outstanding," not in str(error.value).split("the file has")[0]


# --- valuations -------------------------------------------------------------------------------


def test_valuations_wide_to_long_without_empty_cells(tmp_path):
    drop(
        tmp_path,
        "valuations/^GSPC.csv",
        [
            "date,Forward_PE,trailing_pe,cape",
            "2026-02-01,22.1,,39.8",
            "2026-01-01,21.9,27.6,39.4",
        ],
    )
    frame = read_all(FilesSource(tmp_path), "valuations", "^GSPC")
    assert data_columns(frame) == ["symbol", "date", "metric", "value"]
    rows = list(zip(days(frame), frame["metric"], frame["value"], strict=True))
    assert rows == [
        ("2026-01-01", "cape", 39.4),
        ("2026-01-01", "forward_pe", 21.9),
        ("2026-01-01", "trailing_pe", 27.6),
        ("2026-02-01", "cape", 39.8),
        ("2026-02-01", "forward_pe", 22.1),
    ]
    assert set(frame["symbol"]) == {"^GSPC"}


def test_valuations_non_numeric_value_passes_through(tmp_path):
    drop(tmp_path, "valuations/IWM.csv", ["date,forward_pe", "2026-01-01,15.2", "2026-02-01,1,2x"])
    with pytest.raises(FetchError):  # an unquoted comma is a column too many
        read_all(FilesSource(tmp_path), "valuations", "IWM")
    drop(
        tmp_path, "valuations/IWM.csv", ["date,forward_pe", "2026-01-01,15.2", '2026-02-01,"1,2x"']
    )
    frame = read_all(FilesSource(tmp_path), "valuations", "IWM")
    assert frame["value"].tolist() == ["15.2", "1,2x"]


def test_valuations_conflict_is_per_metric(tmp_path):
    drop(
        tmp_path,
        "valuations/IWM.csv",
        ["date,forward_pe,trailing_pe", "2026-01-01,15.2,", "2026-01-01,,18.0"],
    )
    frame = read_all(FilesSource(tmp_path), "valuations", "IWM")
    assert frame[["metric", "value"]].values.tolist() == [
        ["forward_pe", 15.2],
        ["trailing_pe", 18.0],
    ]
    drop(tmp_path, "valuations/IWM.csv", ["date,forward_pe", "2026-01-01,15.2", "2026-01-01,15.3"])
    with pytest.raises(FetchError, match="2026-01-01"):
        read_all(FilesSource(tmp_path), "valuations", "IWM")


def test_a_metric_column_no_mart_can_read_is_warned_of(tmp_path, caplog):
    drop(tmp_path, "valuations/^RUT.csv", ["date,Forward P/E,trailing_pe", "2026-01-02,15,20"])
    with caplog.at_level(logging.WARNING):
        frame = read_all(FilesSource(tmp_path), "valuations", "^RUT")
    assert sorted(frame["metric"]) == ["forward_p/e", "trailing_pe"]
    assert "metric column(s) 'forward_p/e', loaded under those names" in caplog.text


def test_an_etfs_pe_is_loaded_with_a_warning_that_no_mart_reads_it(tmp_path, caplog):
    drop(tmp_path, "valuations/IWM.csv", ["date,trailing_pe", "2022-08-31,11.74"])
    drop(tmp_path, "valuations/^RUT.csv", ["date,trailing_pe", "2022-08-31,19.5"])
    with caplog.at_level(logging.WARNING):
        assert len(read_all(FilesSource(tmp_path), "valuations", "IWM")) == 1
    assert (
        "IWM: " in caplog.text
        and "IWM.csv is loaded into raw.valuations, but the valuation"
        " marts read the P/Es of the small- and large-cap indexes only (^GSPC, ^RUT), not an"
        " ETF's"
        in caplog.text
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        read_all(FilesSource(tmp_path), "valuations", "^RUT")
    assert "not an ETF's" not in caplog.text
