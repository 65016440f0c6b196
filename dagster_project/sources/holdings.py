"""iShares holdings CSVs as served: read by the live (ishares.py) and the files source.

The file, as downloaded:

- maybe a BOM, then a preamble of ``Label,"value"`` lines: the fund's name,
  ``Fund Holdings as of,"Jun 19, 2026"``, ``Inception Date``, ``Shares Outstanding,"1,234.00"``
  (or ``"-"``: not published), ...;
- a blank line, then the holdings table: a header and quoted rows, numbers with thousands
  separators, ``-`` for null; cash, money-market, collateral, futures and swap rows included;
- a blank line, then a quoted legal footer over several lines.

Two table layouts are served: ``Ticker,Name,Sector,Asset Class,Market Value,Weight (%),...``
(e.g. IVV) and ``Ticker,Name,Type,Sector,Asset Class,Market Value,...,Market Weight,Notional
Weight`` (e.g. IJR); columns are found by name.

``constituents`` keeps the fund's stock holdings: rows whose ``Asset Class`` is ``Equity`` and,
where the file has a ``Type`` column, whose type is ``EQUITY`` (swap rows carry an exposure with
no market value, and repeat a ticker the fund also holds); rows without a ticker (``-``: rights,
warrants) and rows not traded on any market (``Exchange`` ``NO MARKET ...``: no price exists) are
left out. weight = the row's market value / the total market value of the file (how iShares
computes its weights; its ``Market Weight`` or ``Weight (%)``, with 2 decimals, is that share
rounded), or that column / 100 where the market value is ``-``.
shares = ``Quantity``, the number of the company's shares the fund holds. A ticker held on two
lines is summed into one row; a line repeated cell for cell is counted once.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dagster_project import reference
from dagster_project.sources.base import FetchError
from dagster_project.sources.http import csv_table, parse_numbers

log = logging.getLogger(__name__)

AS_OF_LABEL = "fund holdings as of"
WEIGHT_COLUMNS = ("Market Weight", "Weight (%)")
REQUIRED = ("Ticker", "Name", "Sector", "Asset Class", "Market Value", "Quantity")
NOT_TRADED = "NO MARKET"  # Exchange of holdings with no market (e.g. unlisted remnants)
COLUMNS = ["fund", "date", "symbol", "name", "sector", "weight", "shares"]


@dataclass(frozen=True)
class HoldingsFile:
    """One holdings CSV: its as-of date, its preamble (labels in lower case) and its table."""

    as_of: pd.Timestamp
    preamble: dict[str, str]
    table: pd.DataFrame  # the holdings table's cells, as text


def read_holdings(key: str, where: str, text: str) -> HoldingsFile:
    """Split a holdings CSV into preamble and table; a file of another shape raises.

    ``key`` (the fund) and ``where`` (its URL or path) name the file in every error.
    """
    lines = text.removeprefix("\ufeff").splitlines()
    blanks = [i for i, line in enumerate(lines) if not line.strip()]
    if not blanks:
        raise FetchError(key, where, "no blank line after the preamble: not a holdings CSV")
    preamble = {
        fields[0].strip().lower(): fields[1].strip() if len(fields) > 1 else ""
        for fields in csv.reader(lines[: blanks[0]])
        if fields
    }
    if AS_OF_LABEL not in preamble:
        raise FetchError(key, where, "the preamble has no 'Fund Holdings as of' line")
    try:
        as_of = datetime.strptime(preamble[AS_OF_LABEL], "%b %d, %Y")
    except ValueError:
        raise FetchError(key, where, f"unreadable as-of date {preamble[AS_OF_LABEL]!r}") from None
    table_end = next((i for i in blanks if i > blanks[0] + 1), None)
    if table_end is None:  # real files always end the table with a blank line and a footer
        raise FetchError(
            key,
            where,
            "the file ends inside the holdings table (no blank line and footer after it): the"
            " body is truncated; re-run",
        )
    body = "\n".join(lines[blanks[0] + 1 : table_end])
    table = csv_table(key, where, body, first_line=blanks[0] + 2)
    return HoldingsFile(pd.Timestamp(as_of), preamble, table)


def _named_fund(holdings: HoldingsFile) -> str | None:
    """The instrument of the seed whose name the file's first line is (``iShares Core S&P 500
    ETF``: IVV), if any."""
    title = next(iter(holdings.preamble), "")
    seed = reference.instruments()
    named = seed.loc[seed["name"].str.casefold() == title.casefold(), "symbol"]
    return named.iloc[0] if len(named) else None


def constituents(fund: str, where: str, holdings: HoldingsFile) -> pd.DataFrame:
    """fund, date, symbol, name, sector, weight (a fraction), shares: the fund's stocks.

    A file whose first line names another fund of the seed, or is an iShares fund's name that
    is not this fund's in the seed, is refused: another fund's holdings saved under this one's
    name would load as its members.
    """
    _check_fund(fund, where, holdings)
    table = holdings.table
    weight_column = _weight_column(fund, where, table)
    market_value = parse_numbers(
        fund, where, table["Market Value"], "Market Value", names=table["Ticker"]
    )
    total = market_value[~table.duplicated()].sum()  # a line repeated cell for cell: once
    keep = _equity_rows(fund, where, table)
    rows = table[keep]
    # the published percent has 2 decimals (0.81 stands for 0.805-0.815, a third off for the
    # smallest holdings): the market value's share is the same weight to full precision
    published = (
        parse_numbers(fund, where, rows[weight_column], weight_column, names=rows["Ticker"]) / 100.0
    ).round(10)
    share = market_value[keep] / total if total > 0 else pd.Series(float("nan"), rows.index)
    frame = pd.DataFrame(
        {
            "fund": fund,
            "date": holdings.as_of,
            "symbol": _text(table, "Ticker")[keep],
            "name": _text(table, "Name")[keep].replace({"-": None, "": None}),
            "sector": _text(table, "Sector")[keep].replace({"-": None, "": None}),
            "weight": share.fillna(published),
            "shares": parse_numbers(
                fund, where, rows["Quantity"], "Quantity", names=rows["Ticker"]
            ),
        },
        columns=COLUMNS,
    )
    frame = _one_row_per_symbol(fund, where, frame)
    frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame.sort_values("symbol", kind="stable").reset_index(drop=True)


def _check_fund(fund: str, where: str, holdings: HoldingsFile) -> None:
    """Refuse a file whose first line names another fund than ``fund`` (see ``constituents``)."""
    named = _named_fund(holdings)
    if named is not None and named != fund:
        raise FetchError(
            fund, where, f"its first line names {named}: {named}'s holdings, not {fund}'s"
        )
    title = next(iter(holdings.preamble), "")
    own = reference.instruments().set_index("symbol")["name"].get(fund, "")
    if title.casefold().startswith("ishares ") and title.casefold() != own.casefold():
        raise FetchError(
            fund,
            where,
            f"its first line is {title!r}, not {fund}'s name in dbt_models/seeds/"
            f"instruments.csv ({own!r}): another fund's holdings? (if iShares renamed {fund},"
            " write its new name there)",
        )


def _weight_column(fund: str, where: str, table: pd.DataFrame) -> str:
    """The table's published weight column; a table without it or a required column raises."""
    weight_column = next((c for c in WEIGHT_COLUMNS if c in table.columns), None)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing or weight_column is None:
        missing += [] if weight_column else [" or ".join(repr(c) for c in WEIGHT_COLUMNS)]
        raise FetchError(
            fund,
            where,
            f"the holdings table has no {', '.join(missing)} column: the format changed",
        )
    return weight_column


def _text(table: pd.DataFrame, column: str) -> pd.Series:
    return table[column].str.strip()


def _equity_rows(fund: str, where: str, table: pd.DataFrame) -> pd.Series:
    """Which rows are the fund's stocks (see the module docstring), a line repeated cell for
    cell counted once; a file without any raises."""
    keep = _text(table, "Asset Class").str.casefold() == "equity"
    if "Type" in table.columns:
        keep &= _text(table, "Type").str.casefold() == "equity"
    keep &= ~_text(table, "Ticker").isin(["", "-"])
    if "Exchange" in table.columns:
        keep &= ~_text(table, "Exchange").str.upper().str.startswith(NOT_TRADED)
    if not keep.any():
        raise FetchError(fund, where, "no equity holdings in the file: the format changed")
    identical = keep & table.duplicated()  # a line repeated cell for cell: counted once
    if identical.any():
        log.warning(
            "%s: %s on identical lines in %s: counted once",
            fund,
            ", ".join(sorted(set(_text(table, "Ticker")[identical]))),
            where,
        )
        keep &= ~identical
    return keep


def _one_row_per_symbol(fund: str, where: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A ticker held on more than one line, summed into one row (with a warning)."""
    twice = frame["symbol"].duplicated(keep=False)
    if not twice.any():
        return frame
    log.warning(
        "%s: %s held on more than one line in %s: summed",
        fund,
        ", ".join(sorted(set(frame.loc[twice, "symbol"]))),
        where,
    )
    return frame.groupby("symbol", as_index=False, sort=False).agg(
        fund=("fund", "first"),
        date=("date", "first"),
        name=("name", "first"),
        sector=("sector", "first"),
        weight=("weight", "sum"),
        shares=("shares", lambda s: s.sum(min_count=1)),
    )[COLUMNS]
