"""The Great Expectations suite of the valuation mart (dbt_models/models/marts/valuation/): the
good frame passes, and each bad frame fails the expectation named on the column named."""

from __future__ import annotations

import pandas as pd
import pytest
from support.good_frames.valuation import GOOD, VALUATION
from support.suite_cases import bad, duplicated, failures
from support.suite_values import BETWEEN, NULL, UNIQUE_1

# One case per important expectation: (suite, bad frame, expectation that must fail, its column)
BAD = [
    # marts.fct_valuation_monthly
    bad(
        "valuation: percentile above 1",
        VALUATION,
        BETWEEN,
        "discount_percentile_frac",
        0,
        discount_percentile_frac=1.2,
    ),
    bad(
        "valuation: percentile 0",
        VALUATION,
        BETWEEN,
        "trailing_discount_percentile_frac",
        1,
        trailing_discount_percentile_frac=0.0,
    ),
    bad(
        "valuation: discount not the relative P/E",
        VALUATION,
        NULL,
        "discount_pct",
        1,
        discount_pct=-5.0,
    ),
    bad(
        "valuation: relative P/E not the ratio of P/Es",
        VALUATION,
        NULL,
        "relative_trailing_pe",
        0,
        relative_trailing_pe=1.5,
    ),
    bad(
        "valuation: negative P/E",
        VALUATION,
        BETWEEN,
        "large_trailing_pe",
        0,
        large_trailing_pe=-27.0,
    ),
    bad(
        "valuation: window beyond 25 years",
        VALUATION,
        BETWEEN,
        "window_months",
        1,
        window_months=301,
    ),
    bad(
        "valuation: duplicate month",
        VALUATION,
        UNIQUE_1,
        "month_start",
        frame=duplicated(VALUATION),
    ),
    bad(
        "valuation: future month",
        VALUATION,
        BETWEEN,
        "month_start",
        1,
        month_start=pd.Timestamp("2026-12-01"),
    ),
]


@pytest.mark.parametrize("suite", sorted(GOOD))
def test_good_frame_passes(suite):
    assert [o.describe() for o in failures(GOOD[suite](), suite)] == []


def test_every_suite_has_bad_frames():
    assert {case.values[0] for case in BAD} == set(GOOD)


@pytest.mark.parametrize("suite, frame, expectation, column", BAD)
def test_bad_frame_fails_the_named_expectation(suite, frame, expectation, column):
    failed = failures(frame, suite)
    assert (expectation, column) in [(o.expectation, o.column) for o in failed], [
        o.describe() for o in failed
    ]
