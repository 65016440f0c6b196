"""iShares holdings CSVs: BOM, preamble, quoted numbers, cash and derivative rows, footer.

The fixtures are made up (fictional funds and holdings) in the shape of the real files.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import pytest
from provider_fakes import HOSTILE_MODES, Arrivals, Ok, status
from werkzeug import Response

from dagster_project.sources.base import FetchError, NotProvided
from dagster_project.sources.ishares import IShares

PATH = "/us/products/239710/ishares-russell-2000-etf/1467271812596.ajax"
QUERY = {"fileType": "csv", "fileName": "IWM_holdings", "dataType": "fund"}
HEADER = (
    "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,"
    "Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date"
)
# Market values: 150,000,000.00 + 100,000,000.00 + 2,500,000.50 (cash) + 0.00 (a future)
# - 500,000.50 (collateral) + '-' (null: no value) = 252,000,000.00
HOLDINGS = [
    '"ACME","ACME WIDGETS INC","Industrials","Equity","150,000,000.00","59.52","150,000,000.00",'
    '"1,000,000.00","150.00","United States","New York Stock Exchange Inc.","USD","1.00","USD","-"',
    '"BLUB","BLUEBIRD SOFTWARE CORP","Information Technology","Equity","100,000,000.00","39.68",'
    '"100,000,000.00","2,000,000.00","50.00","United States","NASDAQ","USD","1.00","USD","-"',
    '"USD","USD CASH","Cash and/or Derivatives","Cash","2,500,000.50","0.99","2,500,000.50",'
    '"2,500,000.50","100.00","United States","-","USD","1.00","USD","-"',
    '"RTYZ6","RUSS 2000 EMINI DEC 26","Cash and/or Derivatives","Futures","0.00","0.00",'
    '"12,345,678.00","50.00","2,469.14","-","Chicago Mercantile Exchange","USD","1.00","USD","-"',
    '"COLL","CASH COLLATERAL USD MADEUP","Cash and/or Derivatives","Cash Collateral and Margins",'
    '"-500,000.50","-0.20","-500,000.50","-500,000.00","100.00","United States","-","USD","1.00",'
    '"USD","Jan 01, 2001"',
    '"-","ACME CONTINGENT VALUE RIGHT","Industrials","Equity","-","-","-","1,000.00","0.00",'
    '"United States","NO MARKET (E.G. UNLISTED)","USD","1.00","USD","-"',
]
FOOTER = (
    '"This footer is made up for the tests. It stands where the real file has its legal notice,\n'
    "which runs over several lines and mentions numbers like 1,234 and dates like Jun 19, 2026.\n"
    'Holdings subject to change."'
)
TOTAL = 252_000_000.00


def holdings_csv(as_of: str = "Jun 19, 2026", shares: str = "1,250,000.00") -> str:
    preamble = [
        "\ufeffMade-Up Small-Cap ETF",
        f'Fund Holdings as of,"{as_of}"',
        'Inception Date,"May 22, 2000"',
        f'Shares Outstanding,"{shares}"',
        'Stock,"-"',
        'Bond,"-"',
        'Cash,"-"',
        'Other,"-"',
    ]
    return "\n".join([*preamble, "", HEADER, *HOLDINGS, "", FOOTER]) + "\n"


def ishares(http, base_url, today=date(2026, 6, 22), history_days=10) -> IShares:
    return IShares(http, base_url=base_url, history_days=history_days, today=lambda: today)


def test_holdings_file_gives_shares_nav_and_assets(httpserver, http, base_url):
    httpserver.expect_request(PATH, query_string=QUERY).respond_with_data(
        holdings_csv().encode("utf-8"), content_type="text/csv"
    )
    frame = ishares(http, base_url).etf_shares("IWM", date(2026, 6, 19), date(2026, 6, 22))
    assert frame.to_dict("list") == {
        "symbol": ["IWM"],
        "date": [pd.Timestamp("2026-06-19")],  # the file's as-of date, not the request's day
        "shares_outstanding": [1_250_000.0],
        "nav": [TOTAL / 1_250_000],  # 201.60
        "total_net_assets": [TOTAL],
    }
    assert frame.loc[0, "nav"] == pytest.approx(201.60)
    assert len(httpserver.log) == 1  # 2026-06-19 is Juneteenth (closed): no past day to ask for


def test_unpublished_shares_outstanding_is_not_provided(httpserver, http, base_url, caplog):
    """The real files of June 2026 say `Shares Outstanding,"-"`: no flows from them, which the
    loader lists as not provided (it had loaded nothing and said so only on stderr)."""
    httpserver.expect_request(PATH).respond_with_data(holdings_csv(shares="-"))
    with caplog.at_level(logging.WARNING), pytest.raises(NotProvided) as caught:
        ishares(http, base_url).etf_shares("IWM", date(2026, 6, 19), date(2026, 6, 22))
    assert "did not publish shares outstanding for 2026-06-19" in caplog.text
    assert "publishes no shares outstanding" in str(caught.value)
    assert "etf_shares/" in str(caught.value)


def test_a_day_without_shares_outstanding_gives_no_row(httpserver, http, base_url):
    """Today's file (06-22) without them, 06-18's with them: one row, of 06-18."""
    for as_of, (label, count) in {
        None: ("Jun 22, 2026", "-"),
        "20260618": ("Jun 18, 2026", "1,200,000.00"),
    }.items():
        query = QUERY if as_of is None else {**QUERY, "asOfDate": as_of}
        httpserver.expect_request(PATH, query_string=query).respond_with_data(
            holdings_csv(label, count)
        )
    frame = ishares(http, base_url, today=date(2026, 6, 23), history_days=2).etf_shares(
        "IWM", date(2026, 6, 17), date(2026, 6, 23)
    )
    assert frame["date"].dt.strftime("%m-%d").tolist() == ["06-18"]


def test_past_days_are_asked_for_up_to_the_maximum(httpserver, http, base_url):
    """Today 2026-06-23; today's file is of 06-22. The range 06-15..06-23 has the trading days
    15, 16, 17, 18 and 22 (19 is Juneteenth); the last 3 are 17, 18, 22, and 22 is already in
    today's file: so 18 and 17 are asked for, newest first."""
    shares = {
        None: ("Jun 22, 2026", "1,300,000.00"),
        "20260618": ("Jun 18, 2026", "1,200,000.00"),
        "20260617": ("Jun 17, 2026", "1,150,000.00"),
    }
    for as_of, (label, count) in shares.items():
        query = QUERY if as_of is None else {**QUERY, "asOfDate": as_of}
        httpserver.expect_ordered_request(PATH, query_string=query).respond_with_data(
            holdings_csv(label, count)
        )
    frame = ishares(http, base_url, today=date(2026, 6, 23), history_days=3).etf_shares(
        "IWM", date(2026, 6, 15), date(2026, 6, 23)
    )
    httpserver.check_assertions()
    assert frame["date"].dt.strftime("%m-%d").tolist() == ["06-17", "06-18", "06-22"]
    assert frame["shares_outstanding"].tolist() == [1_150_000.0, 1_200_000.0, 1_300_000.0]
    assert frame["nav"].tolist() == [TOTAL / 1_150_000, TOTAL / 1_200_000, TOTAL / 1_300_000]


def test_a_failing_past_day_is_skipped_with_a_warning(httpserver, http, base_url, caplog):
    httpserver.expect_request(PATH, query_string=QUERY).respond_with_data(
        holdings_csv("Jun 22, 2026")
    )
    httpserver.expect_request(
        PATH, query_string={**QUERY, "asOfDate": "20260618"}
    ).respond_with_handler(Arrivals([status(503)]))
    with caplog.at_level(logging.WARNING):
        frame = ishares(http, base_url, today=date(2026, 6, 23), history_days=2).etf_shares(
            "IWM", date(2026, 6, 15), date(2026, 6, 23)
        )
    assert frame["date"].tolist() == [pd.Timestamp("2026-06-22")]
    assert "skipping the file of 2026-06-18" in caplog.text and "HTTP 503" in caplog.text


def test_file_cut_inside_the_table(httpserver, http, base_url):
    whole = holdings_csv()
    cut = whole[: whole.index('"USD","USD CASH"')]  # at a line boundary: no footer follows
    httpserver.expect_request(PATH).respond_with_data(cut)
    with pytest.raises(FetchError, match="IWM: the file ends inside the holdings table"):
        ishares(http, base_url).etf_shares("IWM", date(2026, 6, 19), date(2026, 6, 22))


def test_file_cut_mid_row(httpserver, http, base_url):
    whole = holdings_csv()
    httpserver.expect_request(PATH).respond_with_data(whole[: whole.index("BLUEBIRD")])
    with pytest.raises(FetchError, match="truncated"):
        ishares(http, base_url).etf_shares("IWM", date(2026, 6, 19), date(2026, 6, 22))


def test_a_row_with_missing_fields_inside_the_table(httpserver, http, base_url):
    text = holdings_csv().replace(
        HOLDINGS[1], '"BLUB","BLUEBIRD SOFTWARE CORP","Information Technology"'
    )
    httpserver.expect_request(PATH).respond_with_data(text)
    with pytest.raises(FetchError, match="CSV line 12 has 3 field.* truncated"):
        ishares(http, base_url).etf_shares("IWM", date(2026, 6, 19), date(2026, 6, 22))


def test_a_page_that_is_not_a_holdings_file(httpserver, http, base_url):
    httpserver.expect_request(PATH).respond_with_data("Ticker,Name\nA,B\n")
    with pytest.raises(FetchError, match="not a holdings CSV"):
        ishares(http, base_url).etf_shares("IWM", date(2026, 6, 19), date(2026, 6, 22))


def test_fund_without_a_product_id(httpserver, http, base_url):
    with pytest.raises(FetchError, match="no iShares product id for IJH"):
        ishares(http, base_url).etf_shares("IJH", date(2026, 6, 19), date(2026, 6, 22))
    assert httpserver.log == []


@pytest.mark.parametrize("mode", HOSTILE_MODES)
def test_on_a_hostile_endpoint(hostile, base_url, mode):
    frame = hostile(
        mode,
        PATH,
        Ok(holdings_csv(), "text/csv"),
        lambda client: ishares(client, base_url).etf_shares(
            "IWM", date(2026, 6, 19), date(2026, 6, 22)
        ),
        "IWM",
    )
    if frame is not None:
        assert frame["total_net_assets"].tolist() == [TOTAL]


def test_response_is_a_real_http_response(httpserver, http, base_url):
    """The BOM arrives as bytes over the wire and is stripped."""
    httpserver.expect_request(PATH).respond_with_handler(
        lambda _request: Response(holdings_csv().encode("utf-8"), content_type="text/csv")
    )
    frame = ishares(http, base_url).etf_shares("IWM", date(2026, 6, 19), date(2026, 6, 19))
    assert frame["shares_outstanding"].tolist() == [1_250_000.0]


# --- holdings (constituents) ------------------------------------------------------------------

STOCKS = {  # from HOLDINGS: the two stocks; cash, futures, collateral and the '-' ticker go
    "symbol": ["ACME", "BLUB"],
    "name": ["ACME WIDGETS INC", "BLUEBIRD SOFTWARE CORP"],
    "sector": ["Industrials", "Information Technology"],
    "weight": [150_000_000 / TOTAL, 100_000_000 / TOTAL],  # published rounded: 59.52, 39.68
    "shares": [1_000_000.0, 2_000_000.0],
}


def test_holdings_of_today_and_past_month_ends(httpserver, http, base_url):
    """Today 2026-06-23, today's file of 06-22; range 03-01..06-23 has the month-ends 03-31,
    04-30 and 05-29; the 2 most recent are asked for, newest first."""
    files = {None: "Jun 22, 2026", "20260529": "May 29, 2026", "20260430": "Apr 30, 2026"}
    for as_of, label in files.items():
        query = QUERY if as_of is None else {**QUERY, "asOfDate": as_of}
        httpserver.expect_ordered_request(PATH, query_string=query).respond_with_data(
            holdings_csv(label)
        )
    source = IShares(http, base_url=base_url, holdings_months=2, today=lambda: date(2026, 6, 23))
    frame = source.constituents("IWM", date(2026, 3, 1), date(2026, 6, 23))
    httpserver.check_assertions()
    assert len(httpserver.log) == 3
    assert frame["date"].dt.strftime("%m-%d").unique().tolist() == ["04-30", "05-29", "06-22"]
    june = frame[frame["date"] == "2026-06-22"].drop(columns=["fund", "date"])
    assert june.reset_index(drop=True).to_dict("list") == STOCKS
    assert (frame["fund"] == "IWM").all()


def test_holdings_history_is_bounded(httpserver, http, base_url):
    httpserver.expect_request(PATH).respond_with_data(holdings_csv("Jun 22, 2026"))
    source = IShares(http, base_url=base_url, holdings_months=0, today=lambda: date(2026, 6, 23))
    frame = source.constituents("IWM", date(2020, 1, 1), date(2026, 6, 23))
    assert len(httpserver.log) == 1 and frame["date"].nunique() == 1


def test_a_failing_past_month_end_is_skipped(httpserver, http, base_url, caplog):
    httpserver.expect_request(PATH, query_string=QUERY).respond_with_data(
        holdings_csv("Jun 22, 2026")
    )
    httpserver.expect_request(
        PATH, query_string={**QUERY, "asOfDate": "20260529"}
    ).respond_with_handler(Arrivals([status(503)]))
    with caplog.at_level(logging.WARNING):
        frame = ishares(http, base_url, today=date(2026, 6, 23)).constituents(
            "IWM", date(2026, 5, 1), date(2026, 6, 23)
        )
    assert frame["date"].unique().tolist() == [pd.Timestamp("2026-06-22")]
    assert "skipping the holdings of 2026-05-29" in caplog.text and "HTTP 503" in caplog.text


def test_a_past_file_of_another_day_is_kept_once(httpserver, http, base_url, caplog):
    httpserver.expect_request(PATH).respond_with_data(holdings_csv("Jun 22, 2026"))
    with caplog.at_level(logging.WARNING):
        frame = ishares(http, base_url, today=date(2026, 6, 23)).constituents(
            "IWM", date(2026, 5, 1), date(2026, 6, 23)
        )
    assert frame["date"].unique().tolist() == [pd.Timestamp("2026-06-22")]
    assert len(frame) == 2
    assert "asked for the holdings of 2026-05-29, got those of 2026-06-22" in caplog.text


@pytest.mark.parametrize("mode", HOSTILE_MODES)
def test_holdings_on_a_hostile_endpoint(hostile, base_url, mode):
    frame = hostile(
        mode,
        PATH,
        Ok(holdings_csv(), "text/csv"),
        lambda client: ishares(client, base_url).constituents(
            "IWM", date(2026, 6, 19), date(2026, 6, 22)
        ),
        "IWM",
    )
    if frame is not None:
        assert frame["symbol"].tolist() == ["ACME", "BLUB"]
