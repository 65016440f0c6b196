"""The files source: iShares holdings CSVs as downloaded, any number per fund.

The files are made by support/holdings_csv.py; expected values are read off its rows.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import pytest
from support.files_drop import days, drop_holdings, read_all
from support.holdings_csv import (
    LARGE_ROWS,
    LARGE_STOCKS,
    SMALL_ROWS,
    SMALL_STOCKS,
    holdings_csv,
    scaled,
)

from dagster_project.sources.base import FetchError, NotProvided
from dagster_project.sources.files import FilesSource

HOLDING_COLUMNS = ["fund", "date", "symbol", "name", "sector", "weight", "shares"]


# ACME at 55% of the same total (cash at 9%): a later or another file's figures
ACME_AT_55 = scaled(scaled(SMALL_ROWS, "600,000.00", "550,000.00"), "40,000.00", "90,000.00")


def _expected(fund: str, day: str, stocks: dict) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(fund, pd.Timestamp(day), s, *stocks[s]) for s in sorted(stocks)], columns=HOLDING_COLUMNS
    )
    return frame.astype({"date": "datetime64[ns]"})


def test_funds_are_the_ishares_funds_of_the_seed(tmp_path):
    assert FilesSource(tmp_path).funds() == ["IVV", "IWM", "IJR"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_holdings_file_keeps_the_stocks(tmp_path, newline):
    """BOM, preamble, quoted thousands, cash/futures/money-market/collateral rows, a swap that
    repeats a ticker, a warrant without a ticker, an unlisted remnant, '-' weights, footer."""
    drop_holdings(tmp_path, "IJR_holdings.csv", holdings_csv(newline=newline))
    frame = read_all(FilesSource(tmp_path), "constituents", "IJR")
    pd.testing.assert_frame_equal(frame, _expected("IJR", "2026-06-19", SMALL_STOCKS))


def test_holdings_file_with_the_weight_percent_layout(tmp_path):
    drop_holdings(tmp_path, "IVV_holdings.csv", holdings_csv("May 29, 2026", layout="large"))
    frame = read_all(FilesSource(tmp_path), "constituents", "IVV")
    pd.testing.assert_frame_equal(frame, _expected("IVV", "2026-05-29", LARGE_STOCKS))


def test_a_ticker_on_two_lines_is_summed_and_a_repeated_line_counted_once(tmp_path):
    mega_2 = (
        LARGE_ROWS[0].replace('"35,000.00"', '"1,000.00"').replace('"7,000,000.00"', '"200,000.00"')
    )
    rows = [*LARGE_ROWS, LARGE_ROWS[1], mega_2]  # BRKB's line again, MEGA on a second line
    drop_holdings(
        tmp_path, "IVV_holdings.csv", holdings_csv("May 29, 2026", layout="large", rows=rows)
    )
    frame = read_all(FilesSource(tmp_path), "constituents", "IVV")
    # market values: 10,000,000 as before, BRKB's once, plus MEGA's second line's 200,000
    total = 10_200_000
    stocks = {
        "BRKB": ("BERKSHIRE MADE-UP INC CLASS B", "Financials", 2_950_000 / total, 5_900.0),
        "MEGA": ("MEGACORP INC", "Information Technology", 7_200_000 / total, 36_000.0),
    }
    pd.testing.assert_frame_equal(frame, _expected("IVV", "2026-05-29", stocks))


def test_another_funds_holdings_under_this_funds_name_are_refused(tmp_path):
    ivv = holdings_csv(layout="large", fund_name="iShares Core S&P 500 ETF")
    drop_holdings(tmp_path, "IWM_holdings.csv", ivv)
    with pytest.raises(FetchError, match="first line names IVV: IVV's holdings, not IWM's"):
        read_all(FilesSource(tmp_path), "constituents", "IWM")
    drop_holdings(tmp_path, "IVV_holdings.csv", ivv)  # under its own name
    assert len(read_all(FilesSource(tmp_path), "constituents", "IVV")) == len(LARGE_STOCKS)
    # an iShares fund the seed does not have (IJH's file saved as IWM's)
    ijh = holdings_csv(fund_name="iShares Core S&P Mid-Cap ETF")
    drop_holdings(tmp_path, "IWM_holdings.csv", ijh)
    with pytest.raises(FetchError, match="(?i)first line is 'iShares Core S&P Mid-Cap ETF', not"):
        read_all(FilesSource(tmp_path), "constituents", "IWM")
    iwm = holdings_csv(fund_name="iShares Russell 2000 ETF")  # IWM's own name, as in the seed
    drop_holdings(tmp_path, "IWM_holdings.csv", iwm)
    assert len(read_all(FilesSource(tmp_path), "constituents", "IWM")) == len(SMALL_STOCKS)


def test_several_dates_per_fund_the_date_from_the_preamble(tmp_path):
    may = ACME_AT_55
    drop_holdings(tmp_path, "IJR_holdings.csv", holdings_csv("Jun 19, 2026"))
    drop_holdings(tmp_path, "IJR_holdings_20260101.csv", holdings_csv("May 29, 2026", rows=may))
    drop_holdings(tmp_path, "IJR_holdings (1).csv", holdings_csv("Jun 19, 2026"))  # the same again
    frame = read_all(FilesSource(tmp_path), "constituents", "IJR")
    assert days(frame.drop_duplicates("date")) == ["2026-05-29", "2026-06-19"]
    assert frame.loc[frame["symbol"] == "ACME", "weight"].tolist() == [0.55, 0.60]
    # an incremental window's start does not hide an older file dropped after the newer one
    june = FilesSource(tmp_path).constituents("IJR", date(2026, 6, 1), date(2026, 6, 30))
    assert days(june.drop_duplicates("date")) == ["2026-05-29", "2026-06-19"]
    may = FilesSource(tmp_path).constituents("IJR", date(2026, 5, 1), date(2026, 5, 31))
    assert days(may.drop_duplicates("date")) == ["2026-05-29"]  # the end still cuts


def test_two_files_of_one_date_that_differ_name_both(tmp_path):
    other = ACME_AT_55
    first = drop_holdings(tmp_path, "IJR_holdings.csv", holdings_csv())
    second = drop_holdings(tmp_path, "IJR_holdings_copy.csv", holdings_csv(rows=other))
    with pytest.raises(FetchError, match="two holdings files of 2026-06-19") as error:
        read_all(FilesSource(tmp_path), "constituents", "IJR")
    assert str(first) in str(error.value) and str(second) in str(error.value)


def test_no_holdings_file_is_not_provided(tmp_path):
    drop_holdings(tmp_path, "IWM_holdings.csv", holdings_csv())
    with pytest.raises(NotProvided, match="no file holdings/IJR_holdings.csv"):
        read_all(FilesSource(tmp_path), "constituents", "IJR")
    drop_holdings(tmp_path, "IJRX_holdings.csv", holdings_csv())  # another fund's name
    with pytest.raises(NotProvided):
        read_all(FilesSource(tmp_path), "constituents", "IJR")


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
    path = drop_holdings(tmp_path, "IJR_holdings.csv", text)
    with pytest.raises(FetchError, match=problem) as error:
        read_all(FilesSource(tmp_path), "constituents", "IJR")
    assert error.value.key == "IJR" and error.value.where == str(path)


def test_a_holdings_file_that_is_not_utf8_is_named(tmp_path):
    path = drop_holdings(
        tmp_path,
        "IJR_holdings.csv",
        holdings_csv().lstrip("\ufeff").replace("ACME", "ÄCME"),
        "latin-1",
    )
    with pytest.raises(FetchError, match="not a UTF-8 text file") as error:
        read_all(FilesSource(tmp_path), "constituents", "IJR")
    assert error.value.where == str(path)


def test_a_holdings_file_dated_after_today_is_left_out_with_a_warning(tmp_path, caplog):
    drop_holdings(tmp_path, "IJR_holdings.csv", holdings_csv("Jun 19, 2026"))
    later = drop_holdings(tmp_path, "IJR_holdings (1).csv", holdings_csv("Jun 19, 2126"))
    with caplog.at_level(logging.WARNING):
        frame = FilesSource(tmp_path).constituents("IJR", date(2026, 1, 1), date.today())
    assert frame["date"].dt.strftime("%Y-%m-%d").unique().tolist() == ["2026-06-19"]
    assert f"IJR: {later} is dated 2126-06-19, after today: left out" in caplog.text
