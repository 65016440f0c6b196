"""The bad frames of the flows suites: each a good frame (support/good_frames/flows.py)
with a value changed, and the expectation it must fail on the column named
(tests/quality/test_suite_frames.py)."""

from __future__ import annotations

from support.good_frames.flows import FLOWS, SEGMENT
from support.suite_cases import bad, duplicated
from support.suite_values import BETWEEN, FUTURE, IN_SET, NOT_NULL, NULL, UNIQUE, UNIQUE_1

# One case per important expectation: (suite, bad frame, expectation that must fail, its column)
BAD = [
    # marts.fct_etf_flows_daily (row 1 is a holiday)
    bad(
        "flows: 75% of assets in a day",
        FLOWS,
        BETWEEN,
        "flow_pct_of_assets",
        2,
        flow_pct_of_assets=75.0,
    ),
    bad("flows: flow not shares x NAV", FLOWS, NULL, "flow_usd", 0, flow_usd=1e8),
    bad(
        "flows: percent not flow / assets",
        FLOWS,
        NULL,
        "flow_pct_of_assets",
        2,
        flow_pct_of_assets=-0.5,
    ),
    bad("flows: flow on a holiday", FLOWS, NULL, "flow_usd", 1, flow_usd=1e6),
    bad("flows: unknown segment", FLOWS, IN_SET, "segment", 2, segment="mega"),
    bad("flows: zero NAV", FLOWS, BETWEEN, "nav_usd", 1, nav_usd=0.0),
    bad("flows: 300 flow days in a year", FLOWS, BETWEEN, "flow_ytd_days", 0, flow_ytd_days=300),
    bad("flows: null trading-day flag", FLOWS, NOT_NULL, "is_trading_day", is_trading_day=None),
    bad("flows: duplicate key", FLOWS, UNIQUE, "symbol, share_date", frame=duplicated(FLOWS)),
    bad("flows: future date", FLOWS, BETWEEN, "share_date", 2, share_date=FUTURE),
    # marts.fct_etf_flows_segment_daily (row 1: no small-cap ETF has a flow)
    bad(
        "segment: small minus large is not the difference",
        SEGMENT,
        NULL,
        "small_minus_large_flow_usd",
        0,
        small_minus_large_flow_usd=0.0,
    ),
    bad(
        "segment: 21-day difference without a small-cap side",
        SEGMENT,
        NULL,
        "small_minus_large_flow_21d_usd",
        1,
        small_minus_large_flow_21d_usd=-3e9,
    ),
    bad(
        "segment: 21-day difference for size that is not the difference",
        SEGMENT,
        NULL,
        "small_minus_large_flow_21d_pp",
        1,
        small_minus_large_flow_21d_pp=0.9,
    ),
    bad("segment: a flow with no ETF", SEGMENT, NULL, "small_flow_usd", 1, small_flow_usd=1e8),
    bad(
        "segment: no flow with two ETFs",
        SEGMENT,
        NOT_NULL,
        "large_flow_usd",
        1,
        large_flow_usd=None,
    ),
    bad(
        "segment: 80% of assets in a day",
        SEGMENT,
        BETWEEN,
        "large_flow_pct_of_assets",
        1,
        large_flow_pct_of_assets=80.0,
    ),
    bad("segment: negative ETF count", SEGMENT, BETWEEN, "small_etf_count", 1, small_etf_count=-1),
    bad("segment: duplicate day", SEGMENT, UNIQUE_1, "flow_date", frame=duplicated(SEGMENT)),
    bad("segment: future day", SEGMENT, BETWEEN, "flow_date", 1, flow_date=FUTURE),
]
