"""The macro marts' good frames (dbt_models/models/marts/macro/).

Each passes its suite; the bad frames of tests/quality/ are these with a value changed."""

from __future__ import annotations

import pandas as pd

from support.good_frames.columns import as_in_the_yml
from support.suite_values import bools, days, ints

MACRO_DAILY = "marts_fct_macro_daily"
RATES = "marts_fct_rate_sensitivity"
# each figure's vintage in fct_macro_daily: the day it was published, and how that is known
KNOWN_FROM = {
    "fed_target": ("2026-06-29", "estimate"),
    "dff": ("2026-06-29", "release"),
    "unrate": ("2026-06-05", "vintage"),
    "sahm_realtime_fred": ("2026-06-05", "vintage"),
    "cpi": ("2026-06-11", "vintage"),
    "core_cpi": ("2026-06-11", "vintage"),
    "dgs2": ("2026-06-29", "estimate"),
    "dgs10": ("2026-06-29", "estimate"),
    "hy_spread": ("2026-06-29", "loaded"),
}


def good_fct_macro_daily() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "trading_date": days("2026-06-29", "2026-06-30"),
            "fed_target_upper_pct": [3.75, 3.75],
            "fed_target_lower_pct": [3.5, 3.5],
            "fed_target_mid_pct": [3.625, 3.625],
            "fed_target_is_range": [True, True],
            "fed_target_observation_date": days("2026-06-29", "2026-06-30"),
            "fed_target_change_3m_pp": [-0.25, -0.25],
            "fed_target_change_6m_pp": [-0.5, -0.5],
            "fed_target_change_12m_pp": [-1.0, -1.0],
            "fed_target_last_move_date": days("2026-06-17", "2026-06-17"),
            "fed_target_last_move_pp": [-0.25, -0.25],
            "fed_cycle_phase": ["cutting", "cutting"],
            "dff_pct": [3.58, 3.57],
            "dff_observation_date": days("2026-06-26", "2026-06-29"),
            "unrate_pct": [4.4, 4.4],
            "unrate_month_date": days("2026-05-01", "2026-05-01"),
            "unrate_3m_avg_pct": [4.366667, 4.366667],
            "unrate_3m_avg_month_count": ints(3, 3),
            "unrate_3m_avg_prior_12m_min_pct": [4.1, 4.1],
            "sahm_indicator_pp": None,
            "sahm_triggered": bools(False, False),
            "cpi_index": [331.2, 331.2],
            "cpi_month_date": days("2026-05-01", "2026-05-01"),
            "cpi_yoy_pct": [2.9, 2.9],
            "core_cpi_index": [338.5, 338.5],
            "core_cpi_month_date": days("2026-05-01", "2026-05-01"),
            "core_cpi_yoy_pct": [3.1, 3.1],
            "dgs2_pct": [3.62, 3.58],
            "dgs2_observation_date": days("2026-06-26", "2026-06-29"),
            "dgs10_pct": [4.31, 4.28],
            "dgs10_observation_date": days("2026-06-26", "2026-06-29"),
            "slope_2s10s_pp": None,
            "slope_2s10s_bps": None,
            "hy_spread_pct": [3.05, 3.1],
            "hy_spread_observation_date": days("2026-06-26", "2026-06-29"),
            "unrate_revised_pct": [4.3, 4.3],
            "sahm_indicator_revised_pp": [0.2, 0.2],
            "sahm_triggered_revised": bools(False, False),
            "sahm_realtime_fred_pp": [0.27, 0.27],
            "sahm_realtime_fred_month_date": days("2026-05-01", "2026-05-01"),
        }
    )
    for prefix, (day, kind) in KNOWN_FROM.items():
        frame[f"{prefix}_known_from_date"] = days(day, day)
        frame[f"{prefix}_known_from_kind"] = [kind, kind]
    frame["sahm_indicator_pp"] = (
        frame["unrate_3m_avg_pct"] - frame["unrate_3m_avg_prior_12m_min_pct"]
    ).astype("float64")
    frame["slope_2s10s_pp"] = (frame["dgs10_pct"] - frame["dgs2_pct"]).astype("float64")
    frame["slope_2s10s_bps"] = ((frame["dgs10_pct"] - frame["dgs2_pct"]) * 100).astype("float64")
    return frame


def good_fct_rate_sensitivity() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pair_id": ["iwm_spy", "iwm_spy", "rut_spx"],
            "rotation_date": days("2026-06-29", "2026-06-30", "1995-03-01"),
            "spread_1d_bps": [35.2, -92.0, 12.5],
            "dgs2_pct": [3.62, 3.58, 6.88],
            "dgs2_change_pp": [-0.04, -0.04, None],  # no observation the day before
            "dgs10_pct": [4.31, 4.28, 7.41],
            "dgs10_change_pp": [-0.03, -0.03, None],
            "obs_count_2y": [124, 124, 38],
            "beta_2y_bps_per_pp": [-85.3, -84.9, None],  # fewer than 100 observations
            "r_squared_2y_frac": [0.031, 0.03, None],
            "obs_count_10y": [124, 124, 38],
            "beta_10y_bps_per_pp": [-120.5, -119.8, None],
            "r_squared_10y_frac": [0.044, 0.043, None],
        }
    )


GOOD = as_in_the_yml(
    {
        MACRO_DAILY: good_fct_macro_daily,
        RATES: good_fct_rate_sensitivity,
    }
)
