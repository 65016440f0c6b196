"""The files source: each file-drop format, and what a hand-made or downloaded file looks like.

Every fixture is a small CSV written here; expected values are read off the fixture text.
"""

from __future__ import annotations

import logging
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from support.holdings_csv import (
    LARGE_ROWS,
    LARGE_STOCKS,
    SMALL_ROWS,
    SMALL_STOCKS,
    holdings_csv,
    scaled,
)

from dagster_project.sources.base import LINE, ORIGIN, FetchError, NotProvided
from dagster_project.sources.files import FilesSource, unknown_file_message

PRICE_COLUMNS = ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume"]


def _drop(root: Path, name: str, lines: list[str], newline: str = "\n", bom: bool = False):
    """Write ``lines`` to ``root/name`` as given (newline and BOM included)."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = newline.join(lines) + newline
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def _days(frame: pd.DataFrame) -> list[str]:
    return frame["date"].dt.strftime("%Y-%m-%d").tolist()


def _data_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that load (not the rows' file and line: ORIGIN, LINE)."""
    return [c for c in frame.columns if c not in (ORIGIN, LINE)]


def _source(root: Path) -> FilesSource:
    return FilesSource(root)


def _all(source: FilesSource, table: str, key: str) -> pd.DataFrame:
    return getattr(source, table)(key, date(1900, 1, 1), date(2100, 12, 31))


# --- the folder -------------------------------------------------------------------------------


def test_folder_must_exist(tmp_path):
    with pytest.raises(FileNotFoundError, match="ROTATION_DATA_DIR"):
        FilesSource(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="ROTATION_DATA_DIR is not set"):
        FilesSource(None)
    assert FilesSource(str(tmp_path)).name == "files"


def test_missing_file_names_the_expected_path(tmp_path):
    with pytest.raises(FetchError) as error:
        _all(_source(tmp_path), "prices", "IWM")
    assert error.value.key == "IWM"
    assert str(tmp_path / "prices" / "IWM.csv") in str(error.value)


# --- prices -----------------------------------------------------------------------------------


def test_prices_yahoo_download(tmp_path):
    _drop(
        tmp_path,
        "prices/IWM.csv",
        [
            "Date,Open,High,Low,Close,Adj Close,Volume",
            "2026-01-02,246.10,248.50,245.00,247.93,246.80,31200000",
            "2026-01-05,248.00,251.20,247.60,250.88,249.74,28900000",
        ],
    )
    frame = _all(_source(tmp_path), "prices", "IWM")
    assert _data_columns(frame) == PRICE_COLUMNS
    # each row says where it came from, for the messages of a refused load
    assert frame[ORIGIN].tolist() == [str(tmp_path / "prices" / "IWM.csv")] * 2
    assert frame[LINE].tolist() == [2, 3]
    assert pd.api.types.is_datetime64_dtype(frame["date"])
    assert _days(frame) == ["2026-01-02", "2026-01-05"]
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
    _drop(
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
        frame = _all(_source(tmp_path), "prices", "IWM")
    # 2026-01-05: 200 x 99/100 = 198, not the unadjusted 200 (a false +1% return, then -1%)
    assert frame["adj_close"].tolist() == pytest.approx([99.0, 198.0, 208.0])
    assert "1 row(s) with a Close and no Adj Close" in caplog.text
    assert "line 2" in caplog.text and "IWM.csv" in caplog.text


def test_yahoos_null_is_missing_and_a_bad_cell_elsewhere_does_not_stop_the_fill(tmp_path, caplog):
    # Yahoo's downloads write null; a text cell on another line is quarantined when loaded
    _drop(
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
        frame = _all(_source(tmp_path), "prices", "IWM")
    adjusted = frame.set_index(frame["date"].dt.strftime("%Y-%m-%d"))["adj_close"]
    assert float(adjusted["2025-02-20"]) == pytest.approx(110 * 0.99)
    assert pd.isna(adjusted["2025-02-21"]) and pd.isna(frame["close"].iloc[2])  # close missing
    assert adjusted["2025-02-25"] == "1;20"  # as written: quarantined when loaded
    assert float(adjusted["2025-02-26"]) == pytest.approx(130 * 0.99)
    assert "2 row(s) with a Close and no Adj Close" in caplog.text and "line 3" in caplog.text


def test_a_missing_adj_close_before_the_first_adjusted_one_gets_the_next(tmp_path):
    _drop(
        tmp_path,
        "prices/IWM.csv",
        ["Date,Close,Adj Close", "2026-01-02,100.00,", "2026-01-05,200.00,196.00"],
    )
    frame = _all(_source(tmp_path), "prices", "IWM")
    assert frame["adj_close"].tolist() == pytest.approx([98.0, 196.0])


def test_index_prices_without_adj_close_in_caret_file(tmp_path):
    _drop(
        tmp_path,
        "prices/^RUT.csv",
        [
            "Date,Open,High,Low,Close,Volume",
            "1987-09-10,167.440002,168.979996,167.440002,168.970001,179800000",
        ],
    )
    frame = _all(_source(tmp_path), "prices", "^RUT")
    assert _data_columns(frame) == PRICE_COLUMNS
    row = frame.iloc[0]
    assert (row["symbol"], row["close"], row["volume"]) == ("^RUT", 168.970001, 179800000)
    assert math.isnan(row["adj_close"])


def test_prices_with_date_and_close_only(tmp_path):
    _drop(tmp_path, "prices/^GSPC.csv", ["Date,Close", "1999-01-04,1228.099976"])
    frame = _all(_source(tmp_path), "prices", "^GSPC")
    assert _data_columns(frame) == PRICE_COLUMNS
    assert frame["close"].tolist() == [1228.099976]
    assert frame[["open", "high", "low", "adj_close", "volume"]].isna().all().all()


def test_headers_match_case_insensitively_and_extra_columns_are_ignored(tmp_path):
    _drop(
        tmp_path,
        "prices/SPY.csv",
        [" DATE , close ,ADJ CLOSE,Dividends", "2026-01-02, 681.92 ,680.10,0.5"],
    )
    frame = _all(_source(tmp_path), "prices", "SPY")
    assert _data_columns(frame) == PRICE_COLUMNS
    assert (frame["close"].tolist(), frame["adj_close"].tolist()) == ([681.92], [680.10])


def test_bom_crlf_whitespace_and_unsorted_rows(tmp_path):
    _drop(
        tmp_path,
        "prices/IWM.csv",
        ["Date,Close", "2026-01-06 , 252.10", "2026-01-02,247.93", " 2026-01-05,250.88 "],
        newline="\r\n",
        bom=True,
    )
    frame = _all(_source(tmp_path), "prices", "IWM")
    assert _days(frame) == ["2026-01-02", "2026-01-05", "2026-01-06"]
    assert frame["close"].tolist() == [247.93, 250.88, 252.10]


def test_dates_with_a_time_or_an_offset_are_accepted(tmp_path):
    _drop(
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
    frame = _all(_source(tmp_path), "prices", "IWM")
    assert _days(frame) == ["2026-01-02", "2026-01-05", "2026-07-06", "2026-07-07", "2026-07-08"]


def test_a_file_named_so_but_for_case_is_an_error_saying_so(tmp_path):
    _drop(tmp_path, "prices/iwm.csv", ["Date,Close", "2026-01-02,10"])
    with pytest.raises(FetchError, match="named iwm.csv, not IWM.csv: rename it") as error:
        _all(_source(tmp_path), "prices", "IWM")
    assert not isinstance(error.value, NotProvided)  # a failure, not a file the user lacks
    assert _source(tmp_path).unknown_files() == []  # not also reported as a stray file


def test_unparseable_date_names_file_and_line(tmp_path):
    path = _drop(
        tmp_path,
        "prices/IWM.csv",
        ["Date,Close", "2026-01-02,1", "01/02/2026,2", "soon,3", "26-01-05,4", '"Jan 6, 2026",5'],
    )
    with pytest.raises(FetchError) as error:
        _all(_source(tmp_path), "prices", "IWM")
    message = str(error.value)
    assert str(path) in message and message.count("line ") == 3  # "Jan 6, 2026" parses
    assert "line 3: '01/02/2026'" in message and "line 4: 'soon'" in message
    assert "line 5: '26-01-05'" in message  # not 26 January 2005


def test_exact_duplicates_collapse(tmp_path):
    _drop(
        tmp_path,
        "prices/IWM.csv",
        [
            "Date,Close,Volume",
            "2026-01-02,247.93,100",
            "2026-01-05,250.88,200",
            "2026-01-02,247.93,100",
        ],
    )
    frame = _all(_source(tmp_path), "prices", "IWM")
    assert _days(frame) == ["2026-01-02", "2026-01-05"]
    assert frame["close"].tolist() == [247.93, 250.88]


def test_conflicting_duplicates_name_file_and_date(tmp_path):
    path = _drop(
        tmp_path,
        "prices/IWM.csv",
        ["Date,Close", "2026-01-02,247.93", "2026-01-05,250.88", "2026-01-02,247.00"],
    )
    with pytest.raises(FetchError) as error:
        _all(_source(tmp_path), "prices", "IWM")
    message = str(error.value)
    assert str(path) in message
    assert "2026-01-02 (lines 2, 4)" in message
    assert "2026-01-05" not in message


def test_non_numeric_cells_and_implausible_prices_pass_through(tmp_path):
    _drop(
        tmp_path,
        "prices/IWM.csv",
        [
            "Date,Open,Close,Volume",
            '2026-01-02,n/a,0,"1,2x"',
            "2026-01-05,250.00,-5,200",
            "2026-01-06,,251.50,",
        ],
    )
    frame = _all(_source(tmp_path), "prices", "IWM")
    assert frame["open"].tolist() == ["n/a", "250.00", None]  # text: cells as written
    assert frame["volume"].tolist() == ["1,2x", "200", None]
    assert frame["close"].tolist() == [0.0, -5.0, 251.50]  # numeric: zero and negative kept
    assert frame["close"].dtype == "float64"


def test_missing_required_column_names_file_and_its_columns(tmp_path):
    path = _drop(tmp_path, "prices/IWM.csv", ["Date,Open,Last", "2026-01-02,1,2"])
    with pytest.raises(FetchError) as error:
        _all(_source(tmp_path), "prices", "IWM")
    message = str(error.value)
    assert str(path) in message
    assert "close" in message and "Date, Open, Last" in message


def test_start_and_end_filter_inclusively(tmp_path):
    _drop(
        tmp_path,
        "prices/IWM.csv",
        ["Date,Close", "2026-01-02,1", "2026-01-05,2", "2026-01-06,3", "2026-01-07,4"],
    )
    frame = _source(tmp_path).prices("IWM", date(2026, 1, 5), date(2026, 1, 6))
    assert _days(frame) == ["2026-01-05", "2026-01-06"]
    assert frame["close"].tolist() == [2.0, 3.0]


def test_a_file_without_values_is_refused_by_name(tmp_path):
    _drop(tmp_path, "prices/IWM.csv", ["Date,Close"])
    with pytest.raises(FetchError, match="no rows with a value") as error:
        _all(_source(tmp_path), "prices", "IWM")
    assert "prices/IWM.csv" in str(error.value)
    _drop(tmp_path, "macro/DGS2.csv", ["observation_date,DGS2", "2026-01-02,.", "2026-01-05,"])
    with pytest.raises(FetchError, match="every value missing"):
        _all(_source(tmp_path), "macro", "DGS2")


def test_rows_outside_the_window_are_no_error(tmp_path):
    _drop(tmp_path, "prices/IWM.csv", ["Date,Close", "2026-01-02,10"])
    frame = _source(tmp_path).prices("IWM", date(2026, 2, 1), date(2026, 3, 1))
    assert frame.empty and _data_columns(frame) == PRICE_COLUMNS


# --- macro ------------------------------------------------------------------------------------


def test_fred_observation_date_with_dot_and_empty_missing(tmp_path):
    _drop(
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
    frame = _all(_source(tmp_path), "macro", "UNRATE")
    assert _data_columns(frame) == ["series_id", "date", "value"]
    assert _days(frame) == ["2025-09-01", "2025-11-01", "2026-01-01"]
    assert frame["value"].tolist() == [4.4, 4.6, 4.4]
    assert frame["series_id"].unique().tolist() == ["UNRATE"]


def test_fred_older_date_header_and_lower_case_series(tmp_path):
    _drop(tmp_path, "macro/DGS10.csv", ["DATE,dgs10", "2026-01-02,4.19", "2026-01-05,."])
    frame = _all(_source(tmp_path), "macro", "DGS10")
    assert (_days(frame), frame["value"].tolist()) == (["2026-01-02"], [4.19])


def test_fred_value_in_second_column_under_another_name(tmp_path):
    _drop(tmp_path, "macro/DFF.csv", ["date,value", "2026-01-02,3.64"])
    frame = _all(_source(tmp_path), "macro", "DFF")
    assert frame["value"].tolist() == [3.64]


def test_fred_file_holding_another_series_names_both(tmp_path):
    _drop(tmp_path, "macro/DGS10.csv", ["observation_date,DGS2", "2026-01-02,3.47"])
    with pytest.raises(FetchError, match="value column is DGS2, not DGS10") as error:
        _all(_source(tmp_path), "macro", "DGS10")
    assert "macro/DGS10.csv" in str(error.value)


def test_fred_non_numeric_value_passes_through(tmp_path):
    _drop(tmp_path, "macro/DFF.csv", ["observation_date,DFF", "2026-01-02,3.64", "2026-01-05,ND"])
    frame = _all(_source(tmp_path), "macro", "DFF")
    assert frame["value"].tolist() == ["3.64", "ND"]


def test_fred_conflicting_dates_name_file_and_date(tmp_path):
    path = _drop(tmp_path, "macro/UNRATE.csv", ["DATE,UNRATE", "2026-01-01,4.4", "2026-01-01,4.3"])
    with pytest.raises(FetchError, match="2026-01-01") as error:
        _all(_source(tmp_path), "macro", "UNRATE")
    assert str(path) in str(error.value)


def test_fred_without_a_value_column(tmp_path):
    path = _drop(tmp_path, "macro/UNRATE.csv", ["observation_date", "2026-01-01"])
    with pytest.raises(FetchError, match="unrate") as error:
        _all(_source(tmp_path), "macro", "UNRATE")
    assert str(path) in str(error.value) and "observation_date" in str(error.value)


# --- etf_shares -------------------------------------------------------------------------------


def test_etf_shares_in_units(tmp_path):
    _drop(
        tmp_path,
        "etf_shares/IWM.csv",
        [
            "date,shares_outstanding,nav,total_net_assets",
            "2026-01-05,275150000,250.81,69010000000",
            "2026-01-02,274000000,247.90,67924600000",
        ],
    )
    frame = _all(_source(tmp_path), "etf_shares", "IWM")
    assert _data_columns(frame) == [
        "symbol",
        "date",
        "shares_outstanding",
        "nav",
        "total_net_assets",
    ]
    assert _days(frame) == ["2026-01-02", "2026-01-05"]
    assert frame["shares_outstanding"].tolist() == [274000000, 275150000]
    assert frame["nav"].tolist() == [247.90, 250.81]
    assert frame["total_net_assets"].tolist() == [67924600000, 69010000000]


def test_etf_shares_in_millions_and_empty_rows_absent(tmp_path):
    _drop(
        tmp_path,
        "etf_shares/IWM.csv",
        [
            "date,shares_outstanding_m,nav,total_net_assets_musd",
            "2021-07-08,,229.01,68900.0",
            "2021-07-09,,,",
            "2021-07-12,300.5,226.5,68065.25",
        ],
    )
    frame = _all(_source(tmp_path), "etf_shares", "IWM")
    assert _days(frame) == ["2021-07-08", "2021-07-12"]
    assert math.isnan(frame["shares_outstanding"].iloc[0])
    assert frame["shares_outstanding"].iloc[1] == 300_500_000
    assert frame["nav"].tolist() == [229.01, 226.5]  # nav is never scaled
    assert frame["total_net_assets"].tolist() == [68_900_000_000, 68_065_250_000]


def test_etf_shares_without_total_net_assets(tmp_path):
    _drop(tmp_path, "etf_shares/SPY.csv", ["Date,Shares_Outstanding,NAV", "2026-01-02,1000,681.5"])
    frame = _all(_source(tmp_path), "etf_shares", "SPY")
    assert frame[["shares_outstanding", "nav"]].iloc[0].tolist() == [1000, 681.5]
    assert math.isnan(frame["total_net_assets"].iloc[0])


def test_etf_shares_text_in_a_millions_column_is_kept(tmp_path):
    _drop(
        tmp_path,
        "etf_shares/IWM.csv",
        ["date,shares_outstanding_m,nav", "2026-01-02,-,247.90", "2026-01-05,2.5,250.81"],
    )
    frame = _all(_source(tmp_path), "etf_shares", "IWM")
    assert frame["shares_outstanding"].tolist() == ["-", "2500000.0"]


def test_etf_shares_missing_nav(tmp_path):
    path = _drop(tmp_path, "etf_shares/IWM.csv", ["date,shares_outstanding_m", "2026-01-02,1"])
    with pytest.raises(FetchError, match="nav") as error:
        _all(_source(tmp_path), "etf_shares", "IWM")
    assert str(path) in str(error.value)
    assert "shares_outstanding," not in str(error.value).split("the file has")[0]


# --- valuations -------------------------------------------------------------------------------


def test_valuations_wide_to_long_without_empty_cells(tmp_path):
    _drop(
        tmp_path,
        "valuations/^GSPC.csv",
        [
            "date,Forward_PE,trailing_pe,cape",
            "2026-02-01,22.1,,39.8",
            "2026-01-01,21.9,27.6,39.4",
        ],
    )
    frame = _all(_source(tmp_path), "valuations", "^GSPC")
    assert _data_columns(frame) == ["symbol", "date", "metric", "value"]
    rows = list(zip(_days(frame), frame["metric"], frame["value"], strict=True))
    assert rows == [
        ("2026-01-01", "cape", 39.4),
        ("2026-01-01", "forward_pe", 21.9),
        ("2026-01-01", "trailing_pe", 27.6),
        ("2026-02-01", "cape", 39.8),
        ("2026-02-01", "forward_pe", 22.1),
    ]
    assert set(frame["symbol"]) == {"^GSPC"}


def test_valuations_non_numeric_value_passes_through(tmp_path):
    _drop(tmp_path, "valuations/IWM.csv", ["date,forward_pe", "2026-01-01,15.2", "2026-02-01,1,2x"])
    with pytest.raises(FetchError):  # an unquoted comma is a column too many
        _all(_source(tmp_path), "valuations", "IWM")
    _drop(
        tmp_path, "valuations/IWM.csv", ["date,forward_pe", "2026-01-01,15.2", '2026-02-01,"1,2x"']
    )
    frame = _all(_source(tmp_path), "valuations", "IWM")
    assert frame["value"].tolist() == ["15.2", "1,2x"]


def test_valuations_conflict_is_per_metric(tmp_path):
    _drop(
        tmp_path,
        "valuations/IWM.csv",
        ["date,forward_pe,trailing_pe", "2026-01-01,15.2,", "2026-01-01,,18.0"],
    )
    frame = _all(_source(tmp_path), "valuations", "IWM")
    assert frame[["metric", "value"]].values.tolist() == [
        ["forward_pe", 15.2],
        ["trailing_pe", 18.0],
    ]
    _drop(tmp_path, "valuations/IWM.csv", ["date,forward_pe", "2026-01-01,15.2", "2026-01-01,15.3"])
    with pytest.raises(FetchError, match="2026-01-01"):
        _all(_source(tmp_path), "valuations", "IWM")


# --- files the source does not read -----------------------------------------------------------


def test_unknown_files(tmp_path):
    for name in [
        "holdings/IWM_holdings.csv",
        "holdings/IJR_holdings_20260529.csv",
        "holdings/IJH_holdings.csv",
        "holdings/notes.txt",
        "prices/IWM.csv",
        "prices/^RUT.csv",
        "prices/FOO.csv",
        "prices/IWM.xlsx",
        "prices/.DS_Store",
        "macro/UNRATE.csv",
        "macro/IWM.csv",
        "etf_shares/IWM.csv",
        "etf_shares/UNRATE.csv",
        "valuations/^GSPC.csv",
        "IWM.csv",
        "README.md",
    ]:
        _drop(tmp_path, name, ["date,close"])
    (tmp_path / "price").mkdir()
    (tmp_path / "prices" / "old").mkdir()
    assert _source(tmp_path).unknown_files() == [
        "IWM.csv",
        "etf_shares/UNRATE.csv",
        "holdings/IJH_holdings.csv",
        "holdings/notes.txt",
        "macro/IWM.csv",
        "price",
        "prices/FOO.csv",
        "prices/IWM.xlsx",
        "prices/old",
    ]


def test_unknown_file_messages():
    assert unknown_file_message("prices/FOO.csv") == (
        "prices/FOO.csv: FOO is not in dbt_models/seeds/instruments.csv nor in the holdings"
        " of a fund (raw.constituents); add it there or remove the file"
    )
    assert "dbt_models/seeds/macro_series.csv" in unknown_file_message("macro/FOO.csv")
    assert "not a .csv file" in unknown_file_message("prices/IWM.xlsx")
    assert "not one of the folders" in unknown_file_message("price")
    assert unknown_file_message("holdings/IJH_holdings.csv") == (
        "holdings/IJH_holdings.csv: not <FUND>_holdings*.csv for an iShares fund of"
        " dbt_models/seeds/instruments.csv (IVV, IWM, IJR); rename or remove it"
    )


def test_prices_of_fund_members_are_known_files(tmp_path):
    for name in ("prices/ACME.csv", "prices/ZZZ.csv"):
        _drop(tmp_path, name, ["date,close"])
    assert _source(tmp_path).unknown_files(["ACME"]) == ["prices/ZZZ.csv"]
    assert _source(tmp_path).unknown_files() == ["prices/ACME.csv", "prices/ZZZ.csv"]


# --- holdings (iShares holdings CSVs as downloaded) ----------------------------------------------

HOLDING_COLUMNS = ["fund", "date", "symbol", "name", "sector", "weight", "shares"]


# ACME at 55% of the same total (cash at 9%): a later or another file's figures
ACME_AT_55 = scaled(scaled(SMALL_ROWS, "600,000.00", "550,000.00"), "40,000.00", "90,000.00")


def _holdings(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "holdings" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def _expected(fund: str, day: str, stocks: dict) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(fund, pd.Timestamp(day), s, *stocks[s]) for s in sorted(stocks)], columns=HOLDING_COLUMNS
    )
    return frame.astype({"date": "datetime64[ns]"})


def test_funds_are_the_ishares_funds_of_the_seed(tmp_path):
    assert _source(tmp_path).funds() == ["IVV", "IWM", "IJR"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_holdings_file_keeps_the_stocks(tmp_path, newline):
    """BOM, preamble, quoted thousands, cash/futures/money-market/collateral rows, a swap that
    repeats a ticker, a warrant without a ticker, an unlisted remnant, '-' weights, footer."""
    _holdings(tmp_path, "IJR_holdings.csv", holdings_csv(newline=newline))
    frame = _all(_source(tmp_path), "constituents", "IJR")
    pd.testing.assert_frame_equal(frame, _expected("IJR", "2026-06-19", SMALL_STOCKS))


def test_holdings_file_with_the_weight_percent_layout(tmp_path):
    _holdings(tmp_path, "IVV_holdings.csv", holdings_csv("May 29, 2026", layout="large"))
    frame = _all(_source(tmp_path), "constituents", "IVV")
    pd.testing.assert_frame_equal(frame, _expected("IVV", "2026-05-29", LARGE_STOCKS))


def test_a_ticker_on_two_lines_is_summed_and_a_repeated_line_counted_once(tmp_path):
    mega_2 = (
        LARGE_ROWS[0].replace('"35,000.00"', '"1,000.00"').replace('"7,000,000.00"', '"200,000.00"')
    )
    rows = [*LARGE_ROWS, LARGE_ROWS[1], mega_2]  # BRKB's line again, MEGA on a second line
    _holdings(tmp_path, "IVV_holdings.csv", holdings_csv("May 29, 2026", layout="large", rows=rows))
    frame = _all(_source(tmp_path), "constituents", "IVV")
    # market values: 10,000,000 as before, BRKB's once, plus MEGA's second line's 200,000
    total = 10_200_000
    stocks = {
        "BRKB": ("BERKSHIRE MADE-UP INC CLASS B", "Financials", 2_950_000 / total, 5_900.0),
        "MEGA": ("MEGACORP INC", "Information Technology", 7_200_000 / total, 36_000.0),
    }
    pd.testing.assert_frame_equal(frame, _expected("IVV", "2026-05-29", stocks))


def test_another_funds_holdings_under_this_funds_name_are_refused(tmp_path):
    ivv = holdings_csv(layout="large", fund_name="iShares Core S&P 500 ETF")
    _holdings(tmp_path, "IWM_holdings.csv", ivv)
    with pytest.raises(FetchError, match="first line names IVV: IVV's holdings, not IWM's"):
        _all(_source(tmp_path), "constituents", "IWM")
    _holdings(tmp_path, "IVV_holdings.csv", ivv)  # under its own name
    assert len(_all(_source(tmp_path), "constituents", "IVV")) == len(LARGE_STOCKS)
    # an iShares fund the seed does not have (IJH's file saved as IWM's)
    ijh = holdings_csv(fund_name="iShares Core S&P Mid-Cap ETF")
    _holdings(tmp_path, "IWM_holdings.csv", ijh)
    with pytest.raises(FetchError, match="(?i)first line is 'iShares Core S&P Mid-Cap ETF', not"):
        _all(_source(tmp_path), "constituents", "IWM")
    iwm = holdings_csv(fund_name="iShares Russell 2000 ETF")  # IWM's own name, as in the seed
    _holdings(tmp_path, "IWM_holdings.csv", iwm)
    assert len(_all(_source(tmp_path), "constituents", "IWM")) == len(SMALL_STOCKS)


def test_several_dates_per_fund_the_date_from_the_preamble(tmp_path):
    may = ACME_AT_55
    _holdings(tmp_path, "IJR_holdings.csv", holdings_csv("Jun 19, 2026"))
    _holdings(tmp_path, "IJR_holdings_20260101.csv", holdings_csv("May 29, 2026", rows=may))
    _holdings(tmp_path, "IJR_holdings (1).csv", holdings_csv("Jun 19, 2026"))  # the same again
    frame = _all(_source(tmp_path), "constituents", "IJR")
    assert _days(frame.drop_duplicates("date")) == ["2026-05-29", "2026-06-19"]
    assert frame.loc[frame["symbol"] == "ACME", "weight"].tolist() == [0.55, 0.60]
    # an incremental window's start does not hide an older file dropped after the newer one
    june = _source(tmp_path).constituents("IJR", date(2026, 6, 1), date(2026, 6, 30))
    assert _days(june.drop_duplicates("date")) == ["2026-05-29", "2026-06-19"]
    may = _source(tmp_path).constituents("IJR", date(2026, 5, 1), date(2026, 5, 31))
    assert _days(may.drop_duplicates("date")) == ["2026-05-29"]  # the end still cuts


def test_two_files_of_one_date_that_differ_name_both(tmp_path):
    other = ACME_AT_55
    first = _holdings(tmp_path, "IJR_holdings.csv", holdings_csv())
    second = _holdings(tmp_path, "IJR_holdings_copy.csv", holdings_csv(rows=other))
    with pytest.raises(FetchError, match="two holdings files of 2026-06-19") as error:
        _all(_source(tmp_path), "constituents", "IJR")
    assert str(first) in str(error.value) and str(second) in str(error.value)


def test_no_holdings_file_is_not_provided(tmp_path):
    _holdings(tmp_path, "IWM_holdings.csv", holdings_csv())
    with pytest.raises(NotProvided, match="no file holdings/IJR_holdings.csv"):
        _all(_source(tmp_path), "constituents", "IJR")
    _holdings(tmp_path, "IJRX_holdings.csv", holdings_csv())  # another fund's name
    with pytest.raises(NotProvided):
        _all(_source(tmp_path), "constituents", "IJR")


def _cut(text: str, marker: str) -> str:
    return text[: text.index(marker)]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("Ticker,Name\nACME,ACME WIDGETS INC\n", "no blank line after the preamble"),
        (holdings_csv().replace("Fund Holdings as of", "Holdings on"), "no 'Fund Holdings as of'"),
        (holdings_csv("19/06/2026"), "unreadable as-of date '19/06/2026'"),
        (_cut(holdings_csv(), '"USD","USD CASH"'), "ends inside the holdings table"),
        (_cut(holdings_csv(), "BLUEBIRD"), "truncated"),
        (holdings_csv().replace("Market Weight,", "Weight,"), "no 'Market Weight' or"),
        (holdings_csv().replace("Asset Class,", "Class,"), "no Asset Class column"),
        (
            holdings_csv().replace('"10,000.00"', '"ten"'),
            "Quantity 'ten' of ACME is not a number",
        ),
        (holdings_csv(rows=SMALL_ROWS[1:2]), "no equity holdings"),
    ],
    ids=[
        "not a holdings file",
        "no as-of line",
        "unreadable date",
        "cut after the table",
        "cut mid-row",
        "no weight column",
        "no asset class column",
        "a quantity in words",
        "no stocks",
    ],
)
def test_a_bad_holdings_file_is_named(tmp_path, text, problem):
    path = _holdings(tmp_path, "IJR_holdings.csv", text)
    with pytest.raises(FetchError, match=problem) as error:
        _all(_source(tmp_path), "constituents", "IJR")
    assert error.value.key == "IJR" and error.value.where == str(path)


def test_a_holdings_file_that_is_not_utf8_is_named(tmp_path):
    path = _holdings(
        tmp_path,
        "IJR_holdings.csv",
        holdings_csv().lstrip("\ufeff").replace("ACME", "ÄCME"),
        "latin-1",
    )
    with pytest.raises(FetchError, match="not a UTF-8 text file") as error:
        _all(_source(tmp_path), "constituents", "IJR")
    assert error.value.where == str(path)


def test_a_row_dated_after_today_is_left_out_with_a_warning(tmp_path, caplog):
    _drop(tmp_path, "prices/IWM.csv", ["Date,Close", "2026-01-02,1", "2126-06-16,2"])
    with caplog.at_level(logging.WARNING):
        frame = _source(tmp_path).prices("IWM", date(2026, 1, 1), date.today())
    assert _days(frame) == ["2026-01-02"]
    assert "1 row(s) dated after today, left out (line 3: 2126-06-16)" in caplog.text


def test_a_metric_column_no_mart_can_read_is_warned_of(tmp_path, caplog):
    _drop(tmp_path, "valuations/^RUT.csv", ["date,Forward P/E,trailing_pe", "2026-01-02,15,20"])
    with caplog.at_level(logging.WARNING):
        frame = _all(_source(tmp_path), "valuations", "^RUT")
    assert sorted(frame["metric"]) == ["forward_p/e", "trailing_pe"]
    assert "metric column(s) 'forward_p/e', loaded under those names" in caplog.text


def test_an_etfs_pe_is_loaded_with_a_warning_that_no_mart_reads_it(tmp_path, caplog):
    _drop(tmp_path, "valuations/IWM.csv", ["date,trailing_pe", "2022-08-31,11.74"])
    _drop(tmp_path, "valuations/^RUT.csv", ["date,trailing_pe", "2022-08-31,19.5"])
    with caplog.at_level(logging.WARNING):
        assert len(_all(_source(tmp_path), "valuations", "IWM")) == 1
    assert (
        "IWM: " in caplog.text
        and "IWM.csv is loaded into raw.valuations, but the valuation"
        " marts read the P/Es of the small- and large-cap indexes only (^GSPC, ^RUT), not an"
        " ETF's"
        in caplog.text
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        _all(_source(tmp_path), "valuations", "^RUT")
    assert "not an ETF's" not in caplog.text


def test_a_holdings_file_dated_after_today_is_left_out_with_a_warning(tmp_path, caplog):
    _holdings(tmp_path, "IJR_holdings.csv", holdings_csv("Jun 19, 2026"))
    later = _holdings(tmp_path, "IJR_holdings (1).csv", holdings_csv("Jun 19, 2126"))
    with caplog.at_level(logging.WARNING):
        frame = _source(tmp_path).constituents("IJR", date(2026, 1, 1), date.today())
    assert frame["date"].dt.strftime("%Y-%m-%d").unique().tolist() == ["2026-06-19"]
    assert f"IJR: {later} is dated 2126-06-19, after today: left out" in caplog.text
