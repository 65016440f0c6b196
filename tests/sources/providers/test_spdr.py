"""SPDR NAV history: an .xlsx (made here with openpyxl) with title rows, a header and a footer."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import Workbook
from provider_fakes import HOSTILE_MODES, Ok

from dagster_project.sources.base import FetchError
from dagster_project.sources.spdr import Spdr

PATH = "/us/en/intermediary/library-content/products/fund-data/etfs/us/navhist-us-en-spy.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Date", "NAV", "Shares Outstanding", "Total Net Assets"]
# newest first, as SPDR writes it; text dates and text numbers with commas, or real values
ROWS = [
    ["19-Jun-2026", "650.12", "1,000,000,000", "650,120,000,000.00"],
    [datetime(2026, 6, 18), 648.5, 998_000_000, 647_203_000_000.0],
    ["17-Jun-2026", "645.00", "995,500,000", "-"],
    ["16-Jun-2026", "640.00", "990,000,000", "633,600,000,000.00"],
]
START, END = date(2026, 6, 17), date(2026, 6, 19)


def workbook(rows=ROWS, header=HEADER, footer=([], ["Past performance is no guarantee."])):
    book = Workbook()
    sheet = book.active
    for row in (["SPDR S&P 500 ETF Trust (made-up test data)"], ["Fund Ticker: SPY"], []):
        sheet.append(row)
    sheet.append(header)
    for row in [*rows, *footer]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def spdr(http, base_url) -> Spdr:
    return Spdr(http, base_url=base_url)


def test_nav_history(httpserver, http, base_url):
    httpserver.expect_request(PATH).respond_with_data(workbook(), content_type=XLSX)
    frame = spdr(http, base_url).etf_shares("SPY", START, END)
    assert frame["symbol"].tolist() == ["SPY"] * 3
    assert frame["date"].tolist() == [pd.Timestamp(f"2026-06-{d}") for d in (17, 18, 19)]
    assert frame["nav"].tolist() == [645.0, 648.5, 650.12]
    assert frame["shares_outstanding"].tolist() == [995_500_000.0, 998_000_000.0, 1e9]
    assert frame["total_net_assets"].tolist()[1:] == [647_203_000_000.0, 650_120_000_000.0]
    assert frame["total_net_assets"].isna().tolist() == [True, False, False]  # '-' is null


def test_footer_right_below_the_table(httpserver, http, base_url):
    body = workbook(footer=(["Total Net Assets are as of the close."], ["More notes."]))
    httpserver.expect_request(PATH).respond_with_data(body, content_type=XLSX)
    frame = spdr(http, base_url).etf_shares("SPY", date(2026, 1, 1), END)
    assert len(frame) == 4


def test_unreadable_date_in_a_row_with_numbers(httpserver, http, base_url):
    body = workbook(rows=[*ROWS[:2], ["2026/06/17 maybe", "645.00", "995,500,000", "1"]])
    httpserver.expect_request(PATH).respond_with_data(body, content_type=XLSX)
    with pytest.raises(FetchError, match="SPY: unreadable date '2026/06/17 maybe'"):
        spdr(http, base_url).etf_shares("SPY", START, END)


def test_sheet_without_the_header_row(httpserver, http, base_url):
    body = workbook(header=["Date", "NAV", "Shares"])
    httpserver.expect_request(PATH).respond_with_data(body, content_type=XLSX)
    with pytest.raises(FetchError, match="no header row with Date, NAV, Shares Outstanding"):
        spdr(http, base_url).etf_shares("SPY", START, END)


def test_xlsx_cut_in_half(httpserver, http, base_url):
    body = workbook()
    httpserver.expect_request(PATH).respond_with_data(body[: len(body) // 2], content_type=XLSX)
    with pytest.raises(FetchError, match="SPY: not a readable .xlsx .* truncated"):
        spdr(http, base_url).etf_shares("SPY", START, END)


@pytest.mark.parametrize("mode", HOSTILE_MODES)
def test_on_a_hostile_endpoint(hostile, base_url, mode):
    frame = hostile(
        mode,
        PATH,
        Ok(workbook(), XLSX),
        lambda client: spdr(client, base_url).etf_shares("SPY", START, END),
        "SPY",
    )
    if frame is not None:
        assert frame["nav"].tolist() == [645.0, 648.5, 650.12]


def test_fund_without_a_nav_history_file(httpserver, http, base_url):
    httpserver.expect_request(PATH.replace("spy", "xyz")).respond_with_data("gone", status=404)
    with pytest.raises(FetchError, match="XYZ: HTTP 404 .* not found: check the symbol"):
        spdr(http, base_url).etf_shares("XYZ", START, END)
