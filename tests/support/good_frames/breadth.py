"""The breadth marts' good frames (dbt_models/models/marts/breadth/).

Each passes its suite; the bad frames of tests/quality/ are these with a value changed."""

from __future__ import annotations

import pandas as pd

from support.good_frames.columns import as_in_the_yml
from support.suite_values import days

BREADTH = "marts_fct_breadth_daily"
CONCENTRATION = "marts_fct_concentration_daily"


def good_fct_breadth_daily() -> pd.DataFrame:
    # ^RUT on two days (the second with 63-day history), ^GSPC's first day
    frame = pd.DataFrame(
        {
            "fund": ["^RUT", "^RUT", "^GSPC"],
            "breadth_date": days("2026-06-29", "2026-06-30", "1995-06-30"),
            "member_count": [1987, 1990, 500],
            "ma_50_member_count": [1960, 1962, 480],
            "above_ma_50_frac": [0.61, 0.64, 0.52],
            "ma_200_member_count": [1900, 1903, 0],
            "above_ma_200_frac": [0.55, 0.56, None],
            "advances": [1200, 1100, 260],
            "declines": [700, 820, 230],
            "unchanged": [80, 60, 10],
            "ad_line": [15_400, 15_680, 30],
            "high_low_member_count": [1850, 1851, 0],
            "new_highs_252d": [85, 60, 0],
            "new_lows_252d": [12, 20, 0],
            "median_member_ret_1d": [0.0042, 0.0018, 0.001],
            "index_ret_1d": [0.0051, 0.0009, None],
            "median_member_ret_63d": [0.061, 0.064, None],
            "index_ret_63d": [0.072, 0.07, None],
        }
    )
    frame["net_new_highs_252d"] = frame["new_highs_252d"] - frame["new_lows_252d"]
    frame["net_new_highs_frac"] = frame["net_new_highs_252d"] / frame[
        "high_low_member_count"
    ].where(frame["high_low_member_count"] > 0)
    frame["participation_1d_bps"] = (frame["median_member_ret_1d"] - frame["index_ret_1d"]) * 1e4
    frame["participation_63d_bps"] = (frame["median_member_ret_63d"] - frame["index_ret_63d"]) * 1e4
    return frame


def good_fct_concentration_daily() -> pd.DataFrame:
    # ^GSPC on two days, and ^RUT on its first day (no member held at the previous close)
    frame = pd.DataFrame(
        {
            "fund": ["^GSPC", "^GSPC", "^RUT"],
            "concentration_date": days("2026-06-29", "2026-06-30", "1995-06-30"),
            "snapshot_date": days("2026-05-29", "2026-05-29", "1995-06-30"),
            "snapshot_member_count": [504, 504, 1990],
            "unweighted_member_count": [1, 1, 0],
            "weighted_member_count": [503, 503, 1990],
            "top_10_weight_frac": [0.38, 0.381, 0.031],
            "largest_weight_frac": [0.071, 0.072, 0.006],
            "effective_names": [58.2, 57.9, 910.4],
            "return_member_count": [503, 503, 0],
            "equal_weight_ret_1d": [0.0031, -0.0042, None],
            "cap_weight_ret_1d": [0.0052, -0.0061, None],
            "equal_minus_cap_21d_bps": [-180.5, -176.0, None],
            "equal_minus_cap_63d_bps": [-420.2, -418.0, None],
            "etf_equal_minus_cap_1d_bps": [-19.5, 18.2, None],
            "etf_equal_minus_cap_21d_bps": [-170.0, -168.1, None],
            "etf_equal_minus_cap_63d_bps": [-405.3, -401.0, None],
        }
    )
    frame.insert(
        12,
        "equal_minus_cap_1d_bps",
        (frame["equal_weight_ret_1d"] - frame["cap_weight_ret_1d"]) * 1e4,
    )
    return frame


GOOD = as_in_the_yml(
    {
        BREADTH: good_fct_breadth_daily,
        CONCENTRATION: good_fct_concentration_daily,
    }
)
