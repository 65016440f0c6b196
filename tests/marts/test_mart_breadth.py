"""fct_breadth_daily against an independent pandas computation, on a synthetic cross-section.

support/constituent_market.py generates about 50 members each for ^RUT and ^GSPC (month-end
holdings with members joining, leaving and returning, a weekend snapshot, a member priced only
after the snapshot listing it, gaps, a holding without prices), and the marts are built from it
with dbt (the fixture breadth_warehouse); the pandas twin (support/breadth_twin.py) computes
every column from the definitions. Every row and column is compared, and the mart passes its
Great Expectations suite.
"""

from __future__ import annotations

import pandas as pd
import pytest
from support.breadth_twin import assert_matches, expected_breadth
from support.constituent_market import FUNDS, UNPRICED_MEMBER, generate, read

from dagster_project import quality, reference

TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}
KEY = ["fund", "breadth_date"]


@pytest.fixture(scope="module")
def market() -> tuple[pd.DataFrame, pd.DataFrame]:
    return generate()


@pytest.fixture(scope="module")
def mart(breadth_warehouse) -> pd.DataFrame:
    return read(
        breadth_warehouse, "select * from marts.fct_breadth_daily order by fund, breadth_date"
    )


@pytest.fixture(scope="module")
def expected(market) -> pd.DataFrame:
    return expected_breadth(*market)


def test_every_row_matches_pandas(mart, expected):
    assert_matches(mart, expected, KEY, **TOLERANCE)


def test_the_measures_are_exercised(mart):
    """The synthetic market reaches every branch: full windows, highs and lows, participation."""
    for column in ["above_ma_200_frac", "net_new_highs_frac", "participation_63d_bps"]:
        assert mart[column].notna().mean() > 0.8, column
    assert (mart["new_highs_252d"] > 0).any() and (mart["new_lows_252d"] > 0).any()
    assert mart["above_ma_50_frac"].between(0.05, 0.95).mean() > 0.9  # not degenerate


def test_no_rows_before_the_first_snapshot(mart, market):
    _, constituents = market
    first_snapshot = constituents.groupby("fund")["date"].min()
    first_row = mart.groupby("fund")["breadth_date"].min()
    for fund in FUNDS:
        # a snapshot dated on a weekend describes (and starts at) the Friday before it
        assert first_row[fund] <= first_snapshot[fund]
        assert (first_snapshot[fund] - first_row[fund]).days < 3
        assert mart.loc[mart["fund"] == fund, "breadth_date"].is_monotonic_increasing


def test_members_stay_out_of_the_instrument_marts(breadth_warehouse):
    path = breadth_warehouse
    prices = read(path, "select distinct symbol from marts.fct_prices_daily")
    assert set(prices["symbol"]) <= set(reference.instruments()["symbol"])
    members = read(path, "select distinct symbol from intermediate.int_member_returns_daily")
    assert len(members) > 100
    assert UNPRICED_MEMBER not in set(members["symbol"])  # no prices, no rows
    assert not set(members["symbol"]) & set(prices["symbol"])


def test_the_mart_passes_its_suite(mart):
    failed = [
        o.describe() for o in quality.validate(mart, "marts_fct_breadth_daily") if not o.success
    ]
    assert failed == []
