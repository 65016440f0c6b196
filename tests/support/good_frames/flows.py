"""The flows marts' good frames (dbt_models/models/marts/flows/).

Each passes its suite; the bad frames of tests/quality/ are these with a value changed."""

from __future__ import annotations

import pandas as pd

from support.good_frames.columns import as_in_the_yml
from support.suite_values import days

FLOWS = "marts_fct_etf_flows_daily"
SEGMENT = "marts_fct_etf_flows_segment_daily"


def good_fct_etf_flows_daily() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "symbol": ["IWM", "IWM", "SPY"],
            "share_date": days("2025-12-31", "2026-01-01", "2026-01-02"),
            "segment": ["small", "small", "large"],
            "is_trading_day": [True, False, True],  # 2026-01-01 is a holiday
            "shares_outstanding": [250_400_000.0, 250_400_000.0, 1_010_000_000.0],
            "nav_usd": [220.5, 220.5, 681.2],
            "total_net_assets_usd": [55_213_200_000.0, 55_213_200_000.0, 688_012_000_000.0],
            "previous_shares_outstanding": [250_000_000.0, None, 1_012_500_000.0],
            "previous_total_net_assets_usd": [55_000_000_000.0, None, 687_000_000_000.0],
        }
    )
    frame["flow_usd"] = (
        frame["shares_outstanding"] - frame["previous_shares_outstanding"]
    ) * frame["nav_usd"]
    frame["flow_pct_of_assets"] = frame["flow_usd"] / frame["previous_total_net_assets_usd"] * 100
    frame["flow_5d_usd"] = [310_000_000.0, None, -2_400_000_000.0]
    frame["flow_21d_usd"] = [1_200_000_000.0, None, 5_100_000_000.0]
    frame["flow_ytd_usd"] = [9_800_000_000.0, None, -1_703_000_000.0]
    frame["flow_ytd_days"] = [250, 0, 1]
    return frame


def good_fct_etf_flows_segment_daily() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "flow_date": days("2026-01-02", "2026-01-05"),
            "small_etf_count": [2, 0],
            "large_etf_count": [2, 2],
            "small_flow_usd": [150_000_000.0, None],
            "large_flow_usd": [-320_000_000.0, 410_000_000.0],
            "small_minus_large_flow_usd": None,
            "small_flow_pct_of_assets": [0.11, None],
            "large_flow_pct_of_assets": [-0.02, 0.03],
            "small_flow_5d_usd": [410_000_000.0, None],
            "large_flow_5d_usd": [-900_000_000.0, 1_100_000_000.0],
            "small_minus_large_flow_5d_usd": None,
            "small_flow_21d_usd": [1_200_000_000.0, None],
            "large_flow_21d_usd": [2_500_000_000.0, 3_000_000_000.0],
            "small_minus_large_flow_21d_usd": None,
            "small_flow_5d_pct_of_assets": [0.3, None],
            "large_flow_5d_pct_of_assets": [-0.05, 0.06],
            "small_minus_large_flow_5d_pp": None,
            "small_flow_21d_pct_of_assets": [0.9, None],
            "large_flow_21d_pct_of_assets": [0.15, 0.2],
            "small_minus_large_flow_21d_pp": None,
            "small_flow_ytd_usd": [150_000_000.0, 150_000_000.0],
            "large_flow_ytd_usd": [-320_000_000.0, 90_000_000.0],
            "small_minus_large_flow_ytd_usd": None,
        }
    )
    for suffix in ["flow_usd", "flow_5d_usd", "flow_21d_usd", "flow_ytd_usd"]:
        difference = frame[f"small_{suffix}"] - frame[f"large_{suffix}"]
        frame[f"small_minus_large_{suffix}"] = difference.astype("float64")
    for n in (5, 21):
        small, large = (
            frame[f"small_flow_{n}d_pct_of_assets"],
            frame[f"large_flow_{n}d_pct_of_assets"],
        )
        frame[f"small_minus_large_flow_{n}d_pp"] = (small - large).astype("float64")
    return frame


GOOD = as_in_the_yml(
    {
        FLOWS: good_fct_etf_flows_daily,
        SEGMENT: good_fct_etf_flows_segment_daily,
    }
)
