"""The files source: its folder and its price files, as hand-made or downloaded.

Every fixture is a small CSV written here; expected values are read off the fixture text.
The other tables' files are in test_files_tables.py, holdings files in test_files_holdings.py
and the files the source does not read in test_files_entries.py.
"""

from __future__ import annotations

import logging
import math
from datetime import date

import pandas as pd
import pytest
from support.files_drop import data_columns, days, drop, read_all

from dagster_project.sources.base import LINE, ORIGIN, FetchError, NotProvided
from dagster_project.sources.files import FilesSource

PRICE_COLUMNS = ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume"]


# --- the folder -------------------------------------------------------------------------------


def test_folder_must_exist(tmp_path):
    with pytest.raises(FileNotFoundError, match="ROTATION_DATA_DIR"):
        FilesSource(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="ROTATION_DATA_DIR is not set"):
        FilesSource(None)
    assert FilesSource(str(tmp_path)).name == "files"


def test_missing_file_names_the_expected_path(tmp_path):
    with pytest.raises(FetchError) as error:
        read_all(FilesSource(tmp_path), "prices", "IWM")
    assert error.value.key == "IWM"
    assert str(tmp_path / "prices" / "IWM.csv") in str(error.value)


# --- prices -----------------------------------------------------------------------------------


def test_prices_yahoo_download(tmp_path):
    drop(
        tmp_path,
        "prices/IWM.csv",
        [
            "Date,Open,High,Low,Close,Adj Close,Volume",
            "2026-01-02,246.10,248.50,245.00,247.93,246.80,31200000",
            "2026-01-05,248.00,251.20,247.60,250.88,249.74,28900000",
        ],
    )
    frame = read_all(FilesSource(tmp_path), "prices", "IWM")
    assert data_columns(frame) == PRICE_COLUMNS
    # each row says where it came from, for the messages of a refused load
    assert frame[ORIGIN].tolist() == [str(tmp_path / "prices" / "IWM.csv")] * 2
    assert frame[LINE].tolist() == [2, 3]
    assert pd.api.types.is_datetime64_dtype(frame["date"])
    assert days(frame) == ["2026-01-02", "2026-01-05"]
    assert frame["symbol"].tolist() == ["IWM", "IWM"]
    assert frame.iloc[0][["open", "high", "low", "close", "adj_close", "volume"]].tolist() == [
        246.10,
        248.50,
        245.00,
        247.93,
        246.80,
        31200000,
    ]
    assert frame["close"].tolist() == [247.93, 250.88]


def test_a_missing_adj_close_gets_the_adjustment_of_the_row_before(tmp_path, caplog):
    # unsorted on purpose: "the row before" is the day before, not the line above
    drop(
        tmp_path,
        "prices/IWM.csv",
        [
            "Date,Close,Adj Close",
            "2026-01-05,200.00,",
            "2026-01-02,100.00,99.00",
            "2026-01-06,210.00,208.00",
        ],
    )
    with caplog.at_level(logging.WARNING):
        frame = read_all(FilesSource(tmp_path), "prices", "IWM")
    # 2026-01-05: 200 x 99/100 = 198, not the unadjusted 200 (a false +1% return, then -1%)
    assert frame["adj_close"].tolist() == pytest.approx([99.0, 198.0, 208.0])
    assert "1 row(s) with a Close and no Adj Close" in caplog.text
    assert "line 2" in caplog.text and "IWM.csv" in caplog.text


def test_yahoos_null_is_missing_and_a_bad_cell_elsewhere_does_not_stop_the_fill(tmp_path, caplog):
    # Yahoo's downloads write null; a text cell on another line is quarantined when loaded
    drop(
        tmp_path,
        "prices/IWM.csv",
        [
            "Date,Close,Adj Close",
            "2025-02-19,100.00,99.00",
            "2025-02-20,110.00,null",
            "2025-02-21,null,null",
            "2025-02-24,120.00,118.80",
            "2025-02-25,1;21,1;20",
            "2025-02-26,130.00,",
        ],
    )
    with caplog.at_level(logging.WARNING):
        frame = read_all(FilesSource(tmp_path), "prices", "IWM")
    adjusted = frame.set_index(frame["date"].dt.strftime("%Y-%m-%d"))["adj_close"]
    assert float(adjusted["2025-02-20"]) == pytest.approx(110 * 0.99)
    assert pd.isna(adjusted["2025-02-21"]) and pd.isna(frame["close"].iloc[2])  # close missing
    assert adjusted["2025-02-25"] == "1;20"  # as written: quarantined when loaded
    assert float(adjusted["2025-02-26"]) == pytest.approx(130 * 0.99)
    assert "2 row(s) with a Close and no Adj Close" in caplog.text and "line 3" in caplog.text


def test_a_missing_adj_close_before_the_first_adjusted_one_gets_the_next(tmp_path):
    drop(
        tmp_path,
        "prices/IWM.csv",
        ["Date,Close,Adj Close", "2026-01-02,100.00,", "2026-01-05,200.00,196.00"],
    )
    frame = read_all(FilesSource(tmp_path), "prices", "IWM")
    assert frame["adj_close"].tolist() == pytest.approx([98.0, 196.0])


def test_index_prices_without_adj_close_in_caret_file(tmp_path):
    drop(
        tmp_path,
        "prices/^RUT.csv",
        [
            "Date,Open,High,Low,Close,Volume",
            "1987-09-10,167.440002,168.979996,167.440002,168.970001,179800000",
        ],
    )
    frame = read_all(FilesSource(tmp_path), "prices", "^RUT")
    assert data_columns(frame) == PRICE_COLUMNS
    row = frame.iloc[0]
    assert (row["symbol"], row["close"], row["volume"]) == ("^RUT", 168.970001, 179800000)
    assert math.isnan(row["adj_close"])


def test_prices_with_date_and_close_only(tmp_path):
    drop(tmp_path, "prices/^GSPC.csv", ["Date,Close", "1999-01-04,1228.099976"])
    frame = read_all(FilesSource(tmp_path), "prices", "^GSPC")
    assert data_columns(frame) == PRICE_COLUMNS
    assert frame["close"].tolist() == [1228.099976]
    assert frame[["open", "high", "low", "adj_close", "volume"]].isna().all().all()


def test_headers_match_case_insensitively_and_extra_columns_are_ignored(tmp_path):
    drop(
        tmp_path,
        "prices/SPY.csv",
        [" DATE , close ,ADJ CLOSE,Dividends", "2026-01-02, 681.92 ,680.10,0.5"],
    )
    frame = read_all(FilesSource(tmp_path), "prices", "SPY")
    assert data_columns(frame) == PRICE_COLUMNS
    assert (frame["close"].tolist(), frame["adj_close"].tolist()) == ([681.92], [680.10])


def test_bom_crlf_whitespace_and_unsorted_rows(tmp_path):
    drop(
        tmp_path,
        "prices/IWM.csv",
        ["Date,Close", "2026-01-06 , 252.10", "2026-01-02,247.93", " 2026-01-05,250.88 "],
        newline="\r\n",
        bom=True,
    )
    frame = read_all(FilesSource(tmp_path), "prices", "IWM")
    assert days(frame) == ["2026-01-02", "2026-01-05", "2026-01-06"]
    assert frame["close"].tolist() == [247.93, 250.88, 252.10]


def test_dates_with_a_time_or_an_offset_are_accepted(tmp_path):
    drop(
        tmp_path,
        "prices/IWM.csv",
        [
            "Date,Close",
            "2026-01-02 00:00:00,1",
            "2026-01-05 00:00:00-05:00,2",
            "2026-07-06 00:00:00-04:00,3",
            "2026-07-07,4",
            '"Jul 8, 2026",5',
        ],
    )
    frame = read_all(FilesSource(tmp_path), "prices", "IWM")
    assert days(frame) == ["2026-01-02", "2026-01-05", "2026-07-06", "2026-07-07", "2026-07-08"]


def test_a_file_named_so_but_for_case_is_an_error_saying_so(tmp_path):
    drop(tmp_path, "prices/iwm.csv", ["Date,Close", "2026-01-02,10"])
    with pytest.raises(FetchError, match="named iwm.csv, not IWM.csv: rename it") as error:
        read_all(FilesSource(tmp_path), "prices", "IWM")
    assert not isinstance(error.value, NotProvided)  # a failure, not a file the user lacks
    assert FilesSource(tmp_path).unknown_files() == []  # not also reported as a stray file


def test_unparseable_date_names_file_and_line(tmp_path):
    path = drop(
        tmp_path,
        "prices/IWM.csv",
        ["Date,Close", "2026-01-02,1", "01/02/2026,2", "soon,3", "26-01-05,4", '"Jan 6, 2026",5'],
    )
    with pytest.raises(FetchError) as error:
        read_all(FilesSource(tmp_path), "prices", "IWM")
    message = str(error.value)
    assert str(path) in message and message.count("line ") == 3  # "Jan 6, 2026" parses
    assert "line 3: '01/02/2026'" in message and "line 4: 'soon'" in message
    assert "line 5: '26-01-05'" in message  # not 26 January 2005


def test_exact_duplicates_collapse(tmp_path):
    drop(
        tmp_path,
        "prices/IWM.csv",
        [
            "Date,Close,Volume",
            "2026-01-02,247.93,100",
            "2026-01-05,250.88,200",
            "2026-01-02,247.93,100",
        ],
    )
    frame = read_all(FilesSource(tmp_path), "prices", "IWM")
    assert days(frame) == ["2026-01-02", "2026-01-05"]
    assert frame["close"].tolist() == [247.93, 250.88]


def test_conflicting_duplicates_name_file_and_date(tmp_path):
    path = drop(
        tmp_path,
        "prices/IWM.csv",
        ["Date,Close", "2026-01-02,247.93", "2026-01-05,250.88", "2026-01-02,247.00"],
    )
    with pytest.raises(FetchError) as error:
        read_all(FilesSource(tmp_path), "prices", "IWM")
    message = str(error.value)
    assert str(path) in message
    assert "2026-01-02 (lines 2, 4)" in message
    assert "2026-01-05" not in message


def test_non_numeric_cells_and_implausible_prices_pass_through(tmp_path):
    drop(
        tmp_path,
        "prices/IWM.csv",
        [
            "Date,Open,Close,Volume",
            '2026-01-02,n/a,0,"1,2x"',
            "2026-01-05,250.00,-5,200",
            "2026-01-06,,251.50,",
        ],
    )
    frame = read_all(FilesSource(tmp_path), "prices", "IWM")
    assert frame["open"].tolist() == ["n/a", "250.00", None]  # text: cells as written
    assert frame["volume"].tolist() == ["1,2x", "200", None]
    assert frame["close"].tolist() == [0.0, -5.0, 251.50]  # numeric: zero and negative kept
    assert frame["close"].dtype == "float64"


def test_missing_required_column_names_file_and_its_columns(tmp_path):
    path = drop(tmp_path, "prices/IWM.csv", ["Date,Open,Last", "2026-01-02,1,2"])
    with pytest.raises(FetchError) as error:
        read_all(FilesSource(tmp_path), "prices", "IWM")
    message = str(error.value)
    assert str(path) in message
    assert "close" in message and "Date, Open, Last" in message


def test_start_and_end_filter_inclusively(tmp_path):
    drop(
        tmp_path,
        "prices/IWM.csv",
        ["Date,Close", "2026-01-02,1", "2026-01-05,2", "2026-01-06,3", "2026-01-07,4"],
    )
    frame = FilesSource(tmp_path).prices("IWM", date(2026, 1, 5), date(2026, 1, 6))
    assert days(frame) == ["2026-01-05", "2026-01-06"]
    assert frame["close"].tolist() == [2.0, 3.0]


def test_a_file_without_values_is_refused_by_name(tmp_path):
    drop(tmp_path, "prices/IWM.csv", ["Date,Close"])
    with pytest.raises(FetchError, match="no rows with a value") as error:
        read_all(FilesSource(tmp_path), "prices", "IWM")
    assert "prices/IWM.csv" in str(error.value)
    drop(tmp_path, "macro/DGS2.csv", ["observation_date,DGS2", "2026-01-02,.", "2026-01-05,"])
    with pytest.raises(FetchError, match="every value missing"):
        read_all(FilesSource(tmp_path), "macro", "DGS2")


def test_rows_outside_the_window_are_no_error(tmp_path):
    drop(tmp_path, "prices/IWM.csv", ["Date,Close", "2026-01-02,10"])
    frame = FilesSource(tmp_path).prices("IWM", date(2026, 2, 1), date(2026, 3, 1))
    assert frame.empty and data_columns(frame) == PRICE_COLUMNS


def test_a_row_dated_after_today_is_left_out_with_a_warning(tmp_path, caplog):
    drop(tmp_path, "prices/IWM.csv", ["Date,Close", "2026-01-02,1", "2126-06-16,2"])
    with caplog.at_level(logging.WARNING):
        frame = FilesSource(tmp_path).prices("IWM", date(2026, 1, 1), date.today())
    assert days(frame) == ["2026-01-02"]
    assert "1 row(s) dated after today, left out (line 3: 2126-06-16)" in caplog.text
