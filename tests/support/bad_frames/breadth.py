"""The bad frames of the breadth suites: each a good frame (support/good_frames/breadth.py)
with a value changed, and the expectation it must fail on the column named
(tests/quality/test_suite_frames.py)."""

from __future__ import annotations

from support.good_frames.breadth import BREADTH, CONCENTRATION
from support.suite_cases import bad, duplicated
from support.suite_values import BETWEEN, FUTURE, NOT_NULL, NULL, PAIR_GT, UNIQUE

# One case per important expectation: (suite, bad frame, expectation that must fail, its column)
BAD = [
    # marts.fct_breadth_daily (row 2: the fund's first day, no 200-day averages yet)
    bad("breadth: share above 1", BREADTH, BETWEEN, "above_ma_50_frac", 0, above_ma_50_frac=1.2),
    bad(
        "breadth: share in percent",
        BREADTH,
        BETWEEN,
        "above_ma_200_frac",
        1,
        above_ma_200_frac=56.0,
    ),
    bad(
        "breadth: no share with 200-day averages",
        BREADTH,
        NOT_NULL,
        "above_ma_200_frac",
        0,
        above_ma_200_frac=None,
    ),
    bad(
        "breadth: more advances and declines than members",
        BREADTH,
        NULL,
        "member_count",
        2,
        advances=400,
    ),
    bad(
        "breadth: more 200-day than 50-day averages",
        BREADTH,
        PAIR_GT,
        "ma_50_member_count, ma_200_member_count",
        1,
        ma_200_member_count=1970,
    ),
    bad(
        "breadth: net highs not highs minus lows",
        BREADTH,
        NULL,
        "net_new_highs_252d",
        0,
        net_new_highs_252d=97,
    ),
    bad(
        "breadth: highs without a 52-week range",
        BREADTH,
        NULL,
        "high_low_member_count",
        2,
        new_highs_252d=3,
        net_new_highs_252d=3,
    ),
    bad(
        "breadth: participation not median minus index",
        BREADTH,
        NULL,
        "participation_63d_bps",
        1,
        participation_63d_bps=-70.0,
    ),
    bad("breadth: a day without members", BREADTH, BETWEEN, "member_count", 1, member_count=0),
    bad("breadth: null A/D line", BREADTH, NOT_NULL, "ad_line", 1, ad_line=None),
    bad(
        "breadth: duplicate key",
        BREADTH,
        UNIQUE,
        "fund, breadth_date",
        frame=duplicated(BREADTH),
    ),
    bad("breadth: future date", BREADTH, BETWEEN, "breadth_date", 1, breadth_date=FUTURE),
    # marts.fct_concentration_daily (row 2: the fund's first day)
    bad(
        "concentration: top-10 share above 1",
        CONCENTRATION,
        BETWEEN,
        "top_10_weight_frac",
        0,
        top_10_weight_frac=1.3,
    ),
    bad(
        "concentration: top-10 share 0",
        CONCENTRATION,
        BETWEEN,
        "top_10_weight_frac",
        2,
        top_10_weight_frac=0.0,
    ),
    bad(
        "concentration: top 10 below the largest",
        CONCENTRATION,
        PAIR_GT,
        "top_10_weight_frac, largest_weight_frac",
        1,
        largest_weight_frac=0.5,
    ),
    bad(
        "concentration: fewer than one effective name",
        CONCENTRATION,
        BETWEEN,
        "effective_names",
        0,
        effective_names=0.4,
    ),
    bad(
        "concentration: more effective names than members",
        CONCENTRATION,
        NULL,
        "effective_names",
        0,
        effective_names=612.0,
    ),
    bad(
        "concentration: spread not equal minus cap",
        CONCENTRATION,
        NULL,
        "equal_minus_cap_1d_bps",
        1,
        equal_minus_cap_1d_bps=25.0,
    ),
    bad(
        "concentration: no return with members held",
        CONCENTRATION,
        NOT_NULL,
        "cap_weight_ret_1d",
        0,
        cap_weight_ret_1d=None,
        equal_minus_cap_1d_bps=None,
    ),
    bad(
        "concentration: equal weight 60% above cap weight in a day",
        CONCENTRATION,
        BETWEEN,
        "equal_minus_cap_1d_bps",
        0,
        equal_weight_ret_1d=0.6,
        equal_minus_cap_1d_bps=5948.0,
    ),
    bad(
        "concentration: more weighted members than the snapshot lists",
        CONCENTRATION,
        BETWEEN,
        "unweighted_member_count",
        0,
        unweighted_member_count=-1,
    ),
    bad(
        "concentration: duplicate key",
        CONCENTRATION,
        UNIQUE,
        "fund, concentration_date",
        frame=duplicated(CONCENTRATION),
    ),
    bad(
        "concentration: future date",
        CONCENTRATION,
        BETWEEN,
        "concentration_date",
        1,
        concentration_date=FUTURE,
    ),
]
