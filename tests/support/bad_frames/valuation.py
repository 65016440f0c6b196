"""The bad frames of the valuation suites: each a good frame (support/good_frames/valuation.py)
with a value changed, and the expectation it must fail on the column named
(tests/quality/test_suite_frames.py)."""

from __future__ import annotations

import pandas as pd

from support.good_frames.valuation import VALUATION
from support.suite_cases import bad, duplicated
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
