"""Made-up iShares holdings CSVs in the shape of the real files, for the files and live tests.

Funds, companies and figures are invented. Both table layouts iShares serves are here: the one
with ``Type`` and ``Market Weight`` columns (``SMALL``) and the one with ``Weight (%)``
(``LARGE``). Each table has the rows a real file has besides stocks: cash, a money-market fund,
a futures contract, a swap that repeats a stock's ticker, a warrant without a ticker, an unlisted
remnant and collateral; and a stock whose weight is ``-``.
"""

from __future__ import annotations

SMALL_HEADER = (
    "Ticker,Name,Type,Sector,Asset Class,Market Value,Notional Value,Quantity,Price,Location,"
    "Exchange,Currency,FX Rate,Market Currency,Accrual Date,Market Weight,Notional Weight"
)
# Market values add up to 1,000,000.00; stocks kept: ACME 60%, BLUB 30%, CRNK 5% (weight "-":
# its market value / the total)
SMALL_ROWS = [
    '"ACME","ACME WIDGETS INC","EQUITY","Industrials","Equity","600,000.00","600,000.00",'
    '"10,000.00","60.00","United States","NASDAQ","USD","1.00","USD","-","60.00","60.00"',
    '"USD","USD CASH","CASH","Cash and/or Derivatives","Cash","40,000.00","40,000.00",'
    '"-1,234,567.00","100.00","United States","-","USD","1.00","USD","-","4.00","4.00"',
    '"BLUB","BLUEBIRD SOFTWARE CORP","EQUITY","Information Technology","Equity","300,000.00",'
    '"300,000.00","20,000.00","15.00","United States","NYSE","USD","1.00","USD","-","30.00",'
    '"30.00"',
    '"RTYZ6","MADE-UP SMALL CAP EMINI DEC 26","INDEX","Cash and/or Derivatives","Futures",'
    '"0.00","45,000.00","3.00","3,000.00","-","Index And Options Market","USD","1.00","USD","-",'
    '"-","4.50"',
    '"CRNK","CRANKSHAFT BANCORP","SWAP","Financials","Equity","0.00","12,345.00","250.00",'
    '"49.38","United States","NYSE","USD","1.00","USD","-","-","1.23"',
    '"XTSLA","MADE-UP CASH FUND","STIF","Cash and/or Derivatives","Money Market","9,899.00",'
    '"9,899.00","9,899.00","1.00","United States","-","USD","1.00","USD","-","0.99","0.99"',
    '"CRNK","CRANKSHAFT BANCORP","EQUITY","Financials","Equity","50,000.00","50,000.00",'
    '"1,000.00","50.00","United States","NYSE","USD","1.00","USD","-","-","-"',
    '"-","ACME WIDGETS $12.50 WARRANT","WARRANT","Industrials","Equity","1.00","1.00",'
    '"100.00","0.01","United States","NYSE","USD","1.00","USD","-","-","-"',
    '"DOOM","DOOMSDAY PARTS INC","EQUITY","Industrials","Equity","100.00","100.00",'
    '"1,000.00","0.10","United States","NO MARKET (E.G. UNLISTED)","USD","1.00","USD","-",'
    '"0.00","0.00"',
    '"MADEUP","CASH COLLATERAL USD MADEUP","COLLATERAL","Cash and/or Derivatives",'
    '"Cash Collateral and Margins","0.00","0.00","0.00","100.00","United States","-","USD",'
    '"1.00","USD","Jan 01, 2001","0.00","0.00"',
]
SMALL_STOCKS = {  # symbol: (name, sector, weight, shares)
    "ACME": ("ACME WIDGETS INC", "Industrials", 0.60, 10_000.0),
    "BLUB": ("BLUEBIRD SOFTWARE CORP", "Information Technology", 0.30, 20_000.0),
    "CRNK": ("CRANKSHAFT BANCORP", "Financials", 0.05, 1_000.0),
}

LARGE_HEADER = (
    "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,"
    "Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date"
)
LARGE_ROWS = [
    '"MEGA","MEGACORP INC","Information Technology","Equity","7,000,000.00","70.00",'
    '"7,000,000.00","35,000.00","200.00","United States","NASDAQ","USD","1.00","USD","-"',
    '"BRKB","BERKSHIRE MADE-UP INC CLASS B","Financials","Equity","2,950,000.00","29.50",'
    '"2,950,000.00","5,900.00","500.00","United States","New York Stock Exchange Inc.","USD",'
    '"1.00","USD","-"',
    '"USD","USD CASH","Cash and/or Derivatives","Cash","50,000.00","0.50","50,000.00",'
    '"50,000.00","100.00","United States","-","USD","1.00","USD","-"',
]
LARGE_STOCKS = {
    "BRKB": ("BERKSHIRE MADE-UP INC CLASS B", "Financials", 0.295, 5_900.0),
    "MEGA": ("MEGACORP INC", "Information Technology", 0.70, 35_000.0),
}

FOOTER = (
    '"The content contained herein is made up for these tests. It stands where the real file\n'
    "has its legal notice, which runs over several lines and mentions numbers like 1,234 and\n"
    'dates like Jun 19, 2026. Holdings subject to change."'
)


def holdings_csv(
    as_of: str = "Jun 19, 2026",
    *,
    layout: str = "small",
    rows: list[str] | None = None,
    fund_name: str = "Made-Up Small-Cap ETF",  # no iShares title: any fund's
    shares_outstanding: str = "-",
    newline: str = "\n",
) -> str:
    """A holdings file: BOM, preamble, blank line, table, blank line, footer."""
    header, default_rows = {
        "small": (SMALL_HEADER, SMALL_ROWS),
        "large": (LARGE_HEADER, LARGE_ROWS),
    }[layout]
    preamble = [
        f"\ufeff{fund_name}",
        f'Fund Holdings as of,"{as_of}"',
        'Inception Date,"May 22, 2000"',
        f'Shares Outstanding,"{shares_outstanding}"',
        'Stock,"-"',
        'Bond,"-"',
        'Cash,"-"',
        'Other,"-"',
    ]
    lines = [*preamble, "", header, *(default_rows if rows is None else rows), "", FOOTER]
    return newline.join(lines) + newline


def scaled(rows: list[str], old: str, new: str) -> list[str]:
    """``rows`` with one quoted cell text replaced everywhere (another day's figures)."""
    return [row.replace(f'"{old}"', f'"{new}"') for row in rows]
