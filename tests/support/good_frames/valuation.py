"""The valuation mart's good frame (dbt_models/models/marts/valuation/).

Each passes its suite; the bad frames of tests/quality/ are these with a value changed."""

from __future__ import annotations

import pandas as pd

from support.good_frames.columns import as_in_the_yml
from support.suite_values import days

VALUATION = "marts_fct_valuation_monthly"


def good_fct_valuation_monthly() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "month_start": days("2026-04-01", "2026-05-01"),
            "small_symbol": ["^RUT", "^RUT"],
            "large_symbol": ["^GSPC", "^GSPC"],
            "small_forward_pe": [24.0, 23.1],
            "large_forward_pe": [21.5, 21.9],
            "small_trailing_pe": [31.0, 30.2],
            "large_trailing_pe": [27.0, 27.4],
        }
    )
    frame["relative_forward_pe"] = frame["small_forward_pe"] / frame["large_forward_pe"]
    frame["relative_trailing_pe"] = frame["small_trailing_pe"] / frame["large_trailing_pe"]
    frame["discount_pct"] = (frame["relative_forward_pe"] - 1) * 100
    frame["trailing_discount_pct"] = (frame["relative_trailing_pe"] - 1) * 100
    frame["window_months"] = [300, 300]
    frame["discount_percentile_frac"] = [0.6333, 0.3]
    frame["discount_zscore"] = [0.41, -0.52]
    frame["is_lookback_low"] = [False, False]
    frame["trailing_window_months"] = [300, 300]
    frame["trailing_discount_percentile_frac"] = [0.71, 0.64]
    frame["trailing_discount_zscore"] = [0.66, 0.38]
    frame["is_trailing_lookback_low"] = [False, False]
    return frame


GOOD = as_in_the_yml(
    {
        VALUATION: good_fct_valuation_monthly,
    }
)
