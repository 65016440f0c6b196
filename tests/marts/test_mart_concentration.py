"""fct_concentration_daily against an independent pandas computation, on a synthetic
cross-section (support/constituent_market.py: the same warehouse as test_mart_breadth.py).

The pandas side finds each day's snapshot with searchsorted, drifts the snapshot weights by each
member's return since the snapshot's close, sorts the weights for the top 10, and compounds the
daily equal- and cap-weighted returns with numpy products over sliding windows; the ETF spreads
come straight from the RSP and SPY prices. On the sample warehouse, whose indices are built from
their members' previous-close capitalizations, the cap-weighted member return must reproduce
the index return: the drifted snapshot weights are the index's own weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.breadth_twin import assert_matches, expected_concentration
from support.constituent_market import generate, read

from dagster_project import quality

TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}
KEY = ["fund", "concentration_date"]


@pytest.fixture(scope="module")
def mart(breadth_warehouse) -> pd.DataFrame:
    return read(
        breadth_warehouse,
        "select * from marts.fct_concentration_daily order by fund, concentration_date",
    )


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return expected_concentration(*generate())


def test_every_row_matches_pandas(mart, expected):
    assert_matches(mart, expected, KEY, **TOLERANCE)
    # members without a weight (GAP_MEMBER on days without a price, LATE_MEMBER before its
    # first) are counted, not silently left out
    unweighted = mart.groupby("fund")["unweighted_member_count"].max()
    assert (unweighted > 0).all() and (mart["unweighted_member_count"] >= 0).all()


def test_the_measures_are_exercised(mart):
    for column in ["top_10_weight_frac", "equal_minus_cap_63d_bps"]:
        assert mart[column].notna().mean() > 0.9, column
    # RSP minus SPY on the S&P 500's rows only
    etf_spread = mart["etf_equal_minus_cap_63d_bps"].notna().groupby(mart["fund"]).mean()
    assert etf_spread["^GSPC"] > 0.9 and etf_spread["^RUT"] == 0
    assert mart["top_10_weight_frac"].between(0.2, 0.99).all()  # 50 names, lognormal weights
    assert (mart["effective_names"] < mart["weighted_member_count"]).all()
    assert (mart["equal_minus_cap_1d_bps"] > 0).any() and (mart["equal_minus_cap_1d_bps"] < 0).any()


def test_the_mart_passes_its_suite(mart):
    failed = [
        o.describe()
        for o in quality.validate(mart, "marts_fct_concentration_daily")
        if not o.success
    ]
    assert failed == []


def test_cap_weighted_members_reproduce_the_sample_index(sample_warehouse):
    frame = read(
        sample_warehouse,
        "select c.fund, c.cap_weight_ret_1d, p.ret_1d as index_ret_1d"
        " from marts.fct_concentration_daily as c"
        " inner join marts.fct_prices_daily as p"
        "  on p.symbol = c.fund and p.price_date = c.concentration_date"
        " where c.cap_weight_ret_1d is not null",
    )
    assert set(frame["fund"]) == {"^RUT", "^GSPC"}
    assert len(frame) > 2 * 5000  # every day from the first snapshot on
    np.testing.assert_allclose(
        frame["cap_weight_ret_1d"], frame["index_ret_1d"], rtol=0, atol=1e-12
    )
