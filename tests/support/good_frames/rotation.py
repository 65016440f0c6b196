"""The rotation marts' good frames (dbt_models/models/marts/rotation/).

Each passes its suite; the bad frames of tests/quality/ are these with a value changed."""

from __future__ import annotations

import pandas as pd

from support.good_frames.columns import as_in_the_yml
from support.suite_values import bools, days, ints

PRICES_DAILY = "marts_fct_prices_daily"
ROTATION = "marts_fct_rotation_daily"
EPISODES = "marts_fct_rotation_episodes"
SUMMARY = "marts_rpt_rotation_episode_summary"
SCORECARD = "marts_rpt_rotation_scorecard"


def good_fct_prices_daily() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["IWM", "IWM", "^RUT"],
            "price_date": days("2026-01-02", "2026-01-05", "2026-01-02"),
            "close": [250.0, 252.5, 2510.3],
            "adj_close": [249.0, 251.49, None],
            "return_price": [249.0, 251.49, 2510.3],  # coalesce(adj_close, close)
            "tr_index": [352.1, 355.62, 1030.2],
            "ret_1d": [0.012, 0.01, 0.0118],
            "ret_mtd": [0.012, 0.0222, 0.0118],
            "ret_qtd": [0.012, 0.0222, 0.0118],
            "ret_ytd": [0.012, 0.0222, 0.0118],
            "drawdown": [-0.02, -0.0102, 0.0],
        }
    )


def good_fct_rotation_daily() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "pair_id": ["iwm_spy", "iwm_spy", "rut_spx"],
            "rotation_date": days("2026-06-29", "2026-06-30", "1995-01-03"),
            "small_symbol": ["IWM", "IWM", "^RUT"],
            "large_symbol": ["SPY", "SPY", "^GSPC"],
            "small_return_price": [251.49, 249.8, 250.36],
            "large_return_price": [690.1, 692.4, 459.11],
            "ratio": [104.2, 98.0, 100.0],
            "ratio_ma_50": [103.1, 99.5, None],
            "ratio_ma_200": [101.7, 100.2, None],
            "spread_1d_bps": [35.2, -92.0, None],
            "spread_5d_bps": [80.1, -40.3, None],
            "spread_10d_bps": [412.0, -120.5, None],
            "spread_21d_bps": [390.2, 150.0, None],
            "spread_63d_bps": [610.4, 580.0, None],
            "spread_126d_bps": [-220.0, -260.1, None],
            "spread_252d_bps": [-905.3, -870.0, None],
            "small_ret_ytd": [0.031, -0.015, None],
            "large_ret_ytd": [0.012, 0.004, None],
            "spread_10d_zscore": [1.9, -0.6, None],
            "relative_drawdown": [-0.03, -0.09, 0.0],
            "regime": ["small_cap_leadership", "large_cap_leadership", None],
        }
    )
    frame.insert(18, "spread_ytd_bps", (frame["small_ret_ytd"] - frame["large_ret_ytd"]) * 10000)
    return frame


def good_fct_rotation_episodes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pair_id": ["rut_spx", "rut_spx", "rut_spx"],
            "side": ["small", "small", "large"],
            "episode_number": ints(1, 2, 1, dtype="Int32"),
            "side_label": ["small caps", "small caps", "large caps"],
            "start_date": days("2024-11-06", "2026-05-12", "2025-04-03"),
            "start_spread_10d_bps": [512.3, 430.1, -455.0],
            "start_ratio": [112.4, 118.2, 104.1],
            "trading_days_since_previous_episode": ints(None, 380, None),
            "fwd_spread_21d_bps": [230.5, -45.0, -210.0],
            "lead_continued_21d": bools(True, False, True),
            "fwd_spread_63d_bps": [-120.2, None, -50.0],
            "lead_continued_63d": bools(False, None, True),
            "fwd_spread_126d_bps": [410.0, None, 120.0],
            "lead_continued_126d": bools(True, None, False),
            "fwd_spread_252d_bps": [650.1, None, None],
            "lead_continued_252d": bools(True, None, None),
            "trading_days_elapsed": [415, 35, 310],
            "spread_to_date_bps": [980.2, -80.5, 220.0],
            "is_current": [False, True, True],
        }
    )


def good_rpt_rotation_episode_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pair_id": ["rut_spx", "rut_spx", "rut_spx"],
            "side": ["small", "small", "large"],
            "horizon_days": ints(21, 63, 21, dtype="Int32"),
            "side_label": ["small caps", "small caps", "large caps"],
            "episode_count": [2, 2, 1],
            "completed_episode_count": [2, 1, 1],
            "hit_count": [1.0, 0.0, 1.0],  # a HUGEINT sum: float64 in pandas
            "hit_rate_frac": [0.5, 0.0, 1.0],
            "median_fwd_spread_bps": [92.75, -120.2, -210.0],
            "current_episode_number": ints(2, 2, 1, dtype="Int32"),
            "current_start_date": days("2026-05-12", "2026-05-12", "2025-04-03"),
            "current_start_spread_10d_bps": [430.1, 430.1, -455.0],
            "current_start_spread_pct_rank_frac": [0.0, 0.0, 0.0],
            "current_trading_days_elapsed": [35, 35, 310],
            "current_spread_to_date_bps": [-80.5, -80.5, 220.0],
            "current_fwd_spread_bps": [-45.0, None, -210.0],
            "current_lead_continued": bools(False, None, True),
        }
    )


def good_rpt_rotation_scorecard() -> pd.DataFrame:
    # three days: everything for small caps, everything for large caps, mixed with gaps (a
    # leg without a price that day: no momentum, and why)
    return pd.DataFrame(
        {
            "pair_id": ["rut_spx", "rut_spx", "rut_spx"],
            "scorecard_date": days("2026-06-29", "2026-06-30", "2026-07-01"),
            "regime": ["small_cap_leadership", "large_cap_leadership", None],
            "spread_63d_bps": [610.4, -580.0, None],
            "spread_ytd_bps": [190.0, -190.0, None],
            "spread_10d_zscore": [1.9, -1.2, None],
            "valuation_month": days("2026-05-01", "2026-05-01", "2026-06-01"),
            "relative_forward_pe": [0.82, 1.21, 1.0],
            "discount_percentile_frac": [0.15, 0.85, 0.5],
            "small_minus_large_flow_21d_usd": [-500_000_000.0, 200_000_000.0, None],
            "small_minus_large_flow_21d_pp": [0.62, -0.4, None],
            "fed_cycle_phase": ["cutting", "hiking", "holding"],
            "sahm_indicator_pp": [0.27, 0.6, None],
            "sahm_triggered": bools(False, True, None),
            "core_cpi_yoy_pct": [3.1, 3.7, 2.2],
            "breadth_fund": ["^RUT", "IWM", None],  # no constituents on the third day
            "breadth_above_ma_200_frac": [0.68, 0.31, None],
            "breadth_participation_63d_bps": [140.0, -720.0, None],
            # when each input was known: the day's close, the last month's end, the macro
            # releases (the third day has no pair row, no flows and no constituents)
            "momentum_known_date": days("2026-06-29", "2026-06-30", None),
            "valuation_known_date": days("2026-05-31", "2026-05-31", "2026-06-30"),
            "flows_known_date": days("2026-06-29", "2026-06-30", None),
            "rates_known_date": days("2026-06-17", "2026-06-17", "2026-06-17"),
            "labour_market_risk_known_date": days("2026-06-05", "2026-06-05", "2026-06-05"),
            "inflation_risk_known_date": days("2026-06-10", "2026-06-10", "2026-06-10"),
            "breadth_known_date": days("2026-06-29", "2026-06-30", None),
            "momentum_signal": ints(1, -1, None, dtype="Int32"),
            "momentum_missing_reason": [
                None,
                None,
                "no price of ^GSPC that day (last price 2026-06-30)",
            ],
            "valuation_signal": ints(1, -1, 0, dtype="Int32"),
            "flows_signal": ints(1, -1, None, dtype="Int32"),
            "rates_signal": ints(1, -1, 0, dtype="Int32"),
            "labour_market_risk_signal": ints(0, -1, None, dtype="Int32"),
            "inflation_risk_signal": ints(0, -1, 1, dtype="Int32"),
            "breadth_signal": ints(1, -1, None, dtype="Int32"),
            "composite_score": ints(5, -7, 1, dtype="Int32"),
            "signals_available": ints(7, 7, 3, dtype="Int32"),
            "inputs_known_date": days("2026-06-29", "2026-06-30", "2026-06-30"),
            "composite_label": ["supports_small_caps", "supports_large_caps", "mixed"],
        }
    )


GOOD = as_in_the_yml(
    {
        PRICES_DAILY: good_fct_prices_daily,
        ROTATION: good_fct_rotation_daily,
        EPISODES: good_fct_rotation_episodes,
        SUMMARY: good_rpt_rotation_episode_summary,
        SCORECARD: good_rpt_rotation_scorecard,
    }
)
