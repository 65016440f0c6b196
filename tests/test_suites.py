"""Every Great Expectations suite in expectations/: a good frame passes, each bad frame fails the
expectation named on the column named, and the sample warehouse passes every suite."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from dagster_project import quality, reference, warehouse
from dagster_project.reference import PROJECT_ROOT

TODAY = date(2026, 11, 24)
MARTS = sorted(p.stem for p in (PROJECT_ROOT / "dbt_models" / "models" / "marts").glob("*.sql"))
TABLES = {f"raw.{t}" for t in warehouse.RAW_TABLES} | {f"marts.{m}" for m in MARTS}

BETWEEN = "expect_column_values_to_be_between"
NOT_NULL = "expect_column_values_to_not_be_null"
NULL = "expect_column_values_to_be_null"
IN_SET = "expect_column_values_to_be_in_set"
UNIQUE = "expect_compound_columns_to_be_unique"
UNIQUE_1 = "expect_column_values_to_be_unique"
COLUMNS = "expect_table_columns_to_match_set"
TYPE = "expect_column_values_to_be_of_type"
PAIR_GT = "expect_column_pair_values_a_to_be_greater_than_b"
PAIR_EQ = "expect_column_pair_values_to_be_equal"
PAIR_IN = "expect_column_pair_values_to_be_in_set"


def days(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)))


def bools(*values: bool | None) -> pd.api.extensions.ExtensionArray:
    return pd.array(list(values), dtype="boolean")


def ints(*values: int | None, dtype: str = "Int64") -> pd.api.extensions.ExtensionArray:
    return pd.array(list(values), dtype=dtype)


LOADED_AT = pd.Timestamp("2026-11-24 07:58")

PRICES, ETF, MACRO, VALUATIONS = (
    "raw_prices",
    "raw_etf_shares",
    "raw_macro_observations",
    "raw_valuations",
)
CONSTITUENTS = "raw_constituents"
PRICES_DAILY, ROTATION, EPISODES, SUMMARY = (
    "marts_fct_prices_daily",
    "marts_fct_rotation_daily",
    "marts_fct_rotation_episodes",
    "marts_rpt_rotation_episode_summary",
)
VALUATION, FLOWS, SEGMENT = (
    "marts_fct_valuation_monthly",
    "marts_fct_etf_flows_daily",
    "marts_fct_etf_flows_segment_daily",
)
MACRO_DAILY, RATES, SCORECARD = (
    "marts_fct_macro_daily",
    "marts_fct_rate_sensitivity",
    "marts_rpt_rotation_scorecard",
)
BREADTH, CONCENTRATION = ("marts_fct_breadth_daily", "marts_fct_concentration_daily")


# ------------------------------------------------------------------------------------ raw
def good_raw_prices() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["IWM", "IWM", "^RUT"],
            "date": days("2026-01-02", "2026-01-05", "2026-01-02"),
            "open": [247.1, 250.2, 2470.5],
            "high": [250.8, 253.0, 2512.9],
            "low": [246.5, 249.6, 2466.0],
            "close": [250.0, 252.5, 2510.3],
            "adj_close": [249.0, 251.49, None],
            "volume": ints(31_250_000, 28_900_000, None),
            "source": "test",
            "loaded_at": LOADED_AT,
        }
    )


def good_raw_etf_shares() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["IWM", "IWM", "SPY"],
            "date": days("2026-01-02", "2026-01-05", "2026-01-02"),
            "shares_outstanding": [250_400_000.0, 251_000_000.0, None],
            "nav": [220.5, 222.0, 681.2],
            "total_net_assets": [55_213_200_000.0, 55_722_000_000.0, 690_000_000_000.0],
            "source": "test",
            "loaded_at": LOADED_AT,
        }
    )


def good_raw_macro_observations() -> pd.DataFrame:
    rows = [  # series, date, realtime_start, kind, value
        ("DFEDTAR", "2008-12-15", "2008-12-15", "estimate", 1.0),
        ("DFEDTARU", "2026-06-30", "2026-06-30", "estimate", 3.75),
        ("DFEDTARL", "2020-03-16", "2020-03-16", "estimate", 0.0),  # the zero lower bound
        ("DFF", "2026-06-29", "2026-06-30", "release", 3.58),
        ("DGS2", "2026-06-29", "2026-06-30", "estimate", 3.62),
        ("DGS10", "2026-06-29", "2026-06-30", "estimate", 4.31),
        ("UNRATE", "2026-05-01", "2026-06-05", "vintage", 4.4),
        ("CPIAUCSL", "2026-05-01", "2026-06-11", "vintage", 331.2),
        ("CPILFESL", "2026-05-01", "2026-06-11", "vintage", 338.5),
        ("BAMLH0A0HYM2", "2026-06-29", "2026-06-30", "estimate", 3.05),
        ("UNRATE", "2026-05-01", "2026-06-08", "loaded", 4.3),  # a revision seen a load later
        ("SAHMREALTIME", "2026-05-01", "2026-06-05", "vintage", 0.27),
    ]
    return pd.DataFrame(
        {
            "series_id": [r[0] for r in rows],
            "date": days(*(r[1] for r in rows)),
            "realtime_start": days(*(r[2] for r in rows)),
            "value": [r[4] for r in rows],
            "realtime_kind": [r[3] for r in rows],
            "source": "test",
            "loaded_at": LOADED_AT,
        }
    )


def good_raw_valuations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["^RUT", "^RUT", "^GSPC", "^GSPC", "^GSPC"],
            "date": days(*["2026-05-29"] * 5),
            "metric": ["forward_pe", "trailing_pe", "forward_pe", "trailing_pe", "cape"],
            "value": [24.1, 31.0, 21.5, 27.5, 38.9],
            "source": "test",
            "loaded_at": LOADED_AT,
        }
    )


def good_raw_constituents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "fund": ["IWM", "IWM", "^GSPC"],
            "date": days("2026-05-29", "2026-05-29", "2026-05-29"),
            "symbol": ["ACME", "BLUB", "L0001"],
            "name": ["ACME WIDGETS INC", None, "Sample Large Co 0001"],
            "sector": ["Industrials", None, "Information Technology"],
            "weight": [0.0059, 0.0041, 0.071],
            "shares": [1_000_000.0, None, 2.5e9],
            "source": "test",
            "loaded_at": LOADED_AT,
        }
    )


# ------------------------------------------------------------------------------------ marts
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
    known_from = {  # each figure's vintage: the day it was published, and how that is known
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
    for prefix, (day, kind) in known_from.items():
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
            "composite_label": ["supports_small_caps", "supports_large_caps", "mixed"],
        }
    )


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


GOOD = {
    PRICES: good_raw_prices,
    ETF: good_raw_etf_shares,
    MACRO: good_raw_macro_observations,
    VALUATIONS: good_raw_valuations,
    CONSTITUENTS: good_raw_constituents,
    PRICES_DAILY: good_fct_prices_daily,
    ROTATION: good_fct_rotation_daily,
    EPISODES: good_fct_rotation_episodes,
    SUMMARY: good_rpt_rotation_episode_summary,
    VALUATION: good_fct_valuation_monthly,
    FLOWS: good_fct_etf_flows_daily,
    SEGMENT: good_fct_etf_flows_segment_daily,
    MACRO_DAILY: good_fct_macro_daily,
    RATES: good_fct_rate_sensitivity,
    SCORECARD: good_rpt_rotation_scorecard,
    BREADTH: good_fct_breadth_daily,
    CONCENTRATION: good_fct_concentration_daily,
}


def failures(frame: pd.DataFrame, suite: str) -> list[quality.Outcome]:
    return [o for o in quality.validate(frame, suite, today=TODAY) if not o.success]


def changed(suite: str, row: int = 0, **changes) -> pd.DataFrame:
    """The suite's good frame with values of one row changed."""
    frame = GOOD[suite]()
    for column, value in changes.items():
        try:
            frame.loc[row, column] = value
        except (TypeError, ValueError):  # a value the column's dtype cannot hold
            frame[column] = frame[column].astype(object)
            frame.loc[row, column] = value
    return frame


def duplicated(suite: str, row: int = 0) -> pd.DataFrame:
    frame = GOOD[suite]()
    return pd.concat([frame, frame.iloc[[row]]], ignore_index=True)


def dropped(suite: str, column: str) -> pd.DataFrame:
    return GOOD[suite]().drop(columns=column)


FUTURE = pd.Timestamp("2026-11-25")  # the day after TODAY


def bad(case: str, suite: str, expectation: str, column: str | None, row: int = 0, **changes):
    """A bad frame (the good one with ``changes`` in ``row``, or ``frame``) and what it fails."""
    frame = changes.pop("frame", None)
    if frame is None:
        frame = changed(suite, row, **changes)
    return pytest.param(suite, frame, expectation, column, id=case)


# One case per important expectation: (suite, bad frame, expectation that must fail, its column)
BAD = [
    # raw.prices (its other cases are in test_quality.py)
    bad("prices: null source", PRICES, NOT_NULL, "source", source=None),
    bad("prices: high not positive", PRICES, BETWEEN, "high", high=0.0, low=-1.0, open=-1.0),
    bad("prices: open above high", PRICES, PAIR_GT, "high, open", open=251.0),
    bad(
        "prices: close loaded as text",
        PRICES,
        TYPE,
        "close",
        frame=GOOD[PRICES]().assign(close=["250.0", "252.5", "2510.3"]),
    ),
    # raw.etf_shares
    bad("etf: negative nav", ETF, BETWEEN, "nav", nav=-220.5),
    bad("etf: zero shares", ETF, BETWEEN, "shares_outstanding", shares_outstanding=0.0),
    bad("etf: assets in millions", ETF, NULL, "total_net_assets", total_net_assets=55_213.2),
    bad("etf: future date", ETF, BETWEEN, "date", date=FUTURE),
    bad("etf: duplicate key", ETF, UNIQUE, "symbol, date", frame=duplicated(ETF)),
    bad("etf: null symbol", ETF, NOT_NULL, "symbol", symbol=None),
    bad("etf: missing column", ETF, COLUMNS, None, frame=dropped(ETF, "nav")),
    # raw.constituents
    bad("constituents: weight in percent", CONSTITUENTS, BETWEEN, "weight", 2, weight=7.1),
    bad("constituents: negative weight", CONSTITUENTS, BETWEEN, "weight", weight=-0.01),
    bad("constituents: null weight", CONSTITUENTS, NOT_NULL, "weight", weight=None),
    bad("constituents: zero shares", CONSTITUENTS, BETWEEN, "shares", shares=0.0),
    bad("constituents: unknown sector", CONSTITUENTS, IN_SET, "sector", sector="Cash"),
    bad("constituents: null symbol", CONSTITUENTS, NOT_NULL, "symbol", symbol=None),
    bad(
        "constituents: duplicate key",
        CONSTITUENTS,
        UNIQUE,
        "fund, date, symbol",
        frame=duplicated(CONSTITUENTS),
    ),
    bad("constituents: future date", CONSTITUENTS, BETWEEN, "date", date=FUTURE),
    bad(
        "constituents: missing column",
        CONSTITUENTS,
        COLUMNS,
        None,
        frame=dropped(CONSTITUENTS, "shares"),
    ),
    # raw.macro_observations (rows: 4 DGS2, 5 DGS10, 6 UNRATE, 7 CPIAUCSL, 9 BAMLH0A0HYM2)
    bad("macro: unemployment 45%", MACRO, BETWEEN, "value", 6, value=45.0),
    bad("macro: CPI loaded as yoy %", MACRO, BETWEEN, "value", 7, value=2.9),
    bad("macro: negative 10y yield", MACRO, BETWEEN, "value", 5, value=-4.31),
    bad("macro: high-yield spread in bps", MACRO, BETWEEN, "value", 9, value=305.0),
    bad("macro: unknown series", MACRO, IN_SET, "series_id", 9, series_id="VIXCLS"),
    bad(
        "macro: published before observed",
        MACRO,
        PAIR_GT,
        "realtime_start, date",
        6,
        realtime_start=pd.Timestamp("2026-04-30"),
    ),
    bad("macro: future date", MACRO, BETWEEN, "date", 4, date=FUTURE),
    bad("macro: future publication", MACRO, BETWEEN, "realtime_start", 6, realtime_start=FUTURE),
    bad(
        "macro: duplicate key",
        MACRO,
        UNIQUE,
        "series_id, date, realtime_start",
        frame=duplicated(MACRO, 3),
    ),
    bad("macro: no known-from date", MACRO, NOT_NULL, "realtime_start", realtime_start=None),
    bad("macro: unknown kind", MACRO, IN_SET, "realtime_kind", 6, realtime_kind="guess"),
    bad("macro: null value", MACRO, NOT_NULL, "value", value=None),
    bad(
        "macro: value loaded as text",
        MACRO,
        TYPE,
        "value",
        frame=GOOD[MACRO]().assign(value=lambda f: f["value"].astype(str)),
    ),
    # raw.valuations (rows: 0 ^RUT forward, 3 ^GSPC trailing, 4 ^GSPC cape)
    bad("valuations: negative forward P/E", VALUATIONS, BETWEEN, "value", 0, value=-5.0),
    bad("valuations: zero trailing P/E", VALUATIONS, BETWEEN, "value", 3, value=0.0),
    bad("valuations: CAPE 250", VALUATIONS, BETWEEN, "value", 4, value=250.0),
    bad(
        "valuations: duplicate key",
        VALUATIONS,
        UNIQUE,
        "symbol, date, metric",
        frame=duplicated(VALUATIONS, 2),
    ),
    bad("valuations: null metric", VALUATIONS, NOT_NULL, "metric", metric=None),
    bad("valuations: future date", VALUATIONS, BETWEEN, "date", date=FUTURE),
    # marts.fct_prices_daily
    bad("prices_daily: +60% day", PRICES_DAILY, BETWEEN, "ret_1d", 1, ret_1d=0.6),
    bad(
        "prices_daily: -30% the day after a crash date",
        PRICES_DAILY,
        BETWEEN,
        "ret_1d",
        1,
        price_date=pd.Timestamp("2020-03-17"),
        ret_1d=-0.3,
    ),
    bad("prices_daily: negative close", PRICES_DAILY, BETWEEN, "close", 2, close=-1.0),
    bad(
        "prices_daily: return price is not adj_close",
        PRICES_DAILY,
        PAIR_EQ,
        "return_price, adj_close",
        0,
        return_price=250.0,
    ),
    bad(
        "prices_daily: return price is not close",
        PRICES_DAILY,
        PAIR_EQ,
        "return_price, close",
        2,
        return_price=2500.0,
    ),
    bad("prices_daily: positive drawdown", PRICES_DAILY, BETWEEN, "drawdown", 1, drawdown=0.05),
    bad("prices_daily: null tr_index", PRICES_DAILY, NOT_NULL, "tr_index", tr_index=None),
    bad(
        "prices_daily: duplicate key",
        PRICES_DAILY,
        UNIQUE,
        "symbol, price_date",
        frame=duplicated(PRICES_DAILY),
    ),
    bad("prices_daily: future date", PRICES_DAILY, BETWEEN, "price_date", 1, price_date=FUTURE),
    # marts.fct_rotation_daily
    bad(
        "rotation: YTD spread not the return spread",
        ROTATION,
        NULL,
        "spread_ytd_bps",
        0,
        spread_ytd_bps=240.0,
    ),
    bad(
        "rotation: YTD spread without a leg",
        ROTATION,
        NULL,
        "spread_ytd_bps",
        1,
        large_ret_ytd=None,
    ),
    bad(
        "rotation: YTD spread missing", ROTATION, NOT_NULL, "spread_ytd_bps", 1, spread_ytd_bps=None
    ),
    bad(
        "rotation: small-cap regime below the 200-day average",
        ROTATION,
        PAIR_GT,
        "ratio, ratio_ma_200",
        0,
        ratio=101.0,
    ),
    bad(
        "rotation: large-cap regime above the 200-day average",
        ROTATION,
        PAIR_GT,
        "ratio_ma_200, ratio",
        1,
        ratio=101.0,
    ),
    bad("rotation: no regime after 200 days", ROTATION, NOT_NULL, "regime", 1, regime=None),
    bad("rotation: unknown regime", ROTATION, IN_SET, "regime", 1, regime="bull"),
    bad(
        "rotation: positive relative drawdown",
        ROTATION,
        BETWEEN,
        "relative_drawdown",
        0,
        relative_drawdown=0.1,
    ),
    bad(
        "rotation: duplicate key",
        ROTATION,
        UNIQUE,
        "pair_id, rotation_date",
        frame=duplicated(ROTATION),
    ),
    bad("rotation: future date", ROTATION, BETWEEN, "rotation_date", 1, rotation_date=FUTURE),
    # marts.fct_rotation_episodes (rows: 0 and 1 side small, 2 side large)
    bad(
        "episodes: lead continued but called reverted",
        EPISODES,
        IN_SET,
        "lead_continued_21d",
        0,
        lead_continued_21d=False,
    ),
    bad(
        "episodes: large-cap lead reverted but called continued",
        EPISODES,
        IN_SET,
        "lead_continued_126d",
        2,
        lead_continued_126d=True,
    ),
    bad("episodes: two current episodes", EPISODES, UNIQUE, "pair_id, side", 0, is_current=True),
    bad(
        "episodes: small-cap episode on a negative spread",
        EPISODES,
        BETWEEN,
        "start_spread_10d_bps",
        1,
        start_spread_10d_bps=-430.1,
    ),
    bad(
        "episodes: too close to the previous one",
        EPISODES,
        BETWEEN,
        "trading_days_since_previous_episode",
        1,
        trading_days_since_previous_episode=5,
    ),
    bad("episodes: unknown side", EPISODES, IN_SET, "side", 2, side="mid"),
    bad("episodes: side not named", EPISODES, NOT_NULL, "side_label", 2, side_label=None),
    bad(
        "episodes: duplicate episode number",
        EPISODES,
        UNIQUE,
        "pair_id, side, episode_number",
        1,
        episode_number=1,
    ),
    bad("episodes: future start", EPISODES, BETWEEN, "start_date", 1, start_date=FUTURE),
    # marts.rpt_rotation_episode_summary
    bad("summary: side not named", SUMMARY, NOT_NULL, "side_label", 1, side_label=None),
    bad("summary: hit rate above 1", SUMMARY, BETWEEN, "hit_rate_frac", 0, hit_rate_frac=1.5),
    bad(
        "summary: negative percentile rank",
        SUMMARY,
        BETWEEN,
        "current_start_spread_pct_rank_frac",
        2,
        current_start_spread_pct_rank_frac=-0.1,
    ),
    bad(
        "summary: more hits than completed episodes",
        SUMMARY,
        PAIR_GT,
        "completed_episode_count, hit_count",
        1,
        hit_count=2.0,
    ),
    bad(
        "summary: more completed than episodes",
        SUMMARY,
        PAIR_GT,
        "episode_count, completed_episode_count",
        2,
        completed_episode_count=3,
    ),
    bad("summary: unknown horizon", SUMMARY, IN_SET, "horizon_days", 1, horizon_days=30),
    bad(
        "summary: duplicate key",
        SUMMARY,
        UNIQUE,
        "pair_id, side, horizon_days",
        frame=duplicated(SUMMARY),
    ),
    bad(
        "summary: future start",
        SUMMARY,
        BETWEEN,
        "current_start_date",
        2,
        current_start_date=FUTURE,
    ),
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
    # marts.fct_macro_daily
    bad(
        "macro_daily: a value used before it was published",
        MACRO_DAILY,
        PAIR_GT,
        "trading_date, unrate_known_from_date",
        0,
        unrate_known_from_date=pd.Timestamp("2026-07-03"),
    ),
    bad(
        "macro_daily: unknown known-from kind",
        MACRO_DAILY,
        IN_SET,
        "cpi_known_from_kind",
        1,
        cpi_known_from_kind="guess",
    ),
    bad("macro_daily: unemployment 45%", MACRO_DAILY, BETWEEN, "unrate_pct", 1, unrate_pct=45.0),
    bad("macro_daily: CPI index of 2.9", MACRO_DAILY, BETWEEN, "cpi_index", 1, cpi_index=2.9),
    bad("macro_daily: fed funds 30%", MACRO_DAILY, BETWEEN, "dff_pct", 0, dff_pct=30.0),
    bad(
        "macro_daily: high-yield spread 35",
        MACRO_DAILY,
        BETWEEN,
        "hy_spread_pct",
        0,
        hy_spread_pct=35.0,
    ),
    bad(
        "macro_daily: slope not the yield difference",
        MACRO_DAILY,
        NULL,
        "slope_2s10s_pp",
        0,
        slope_2s10s_pp=0.2,
    ),
    bad(
        "macro_daily: upper bound below lower",
        MACRO_DAILY,
        PAIR_GT,
        "fed_target_upper_pct, fed_target_lower_pct",
        0,
        fed_target_upper_pct=3.25,
        fed_target_mid_pct=3.375,
    ),
    bad(
        "macro_daily: Sahm rule triggered below 0.5",
        MACRO_DAILY,
        IN_SET,
        "sahm_triggered",
        1,
        sahm_triggered=True,
    ),
    bad(
        "macro_daily: unknown phase",
        MACRO_DAILY,
        IN_SET,
        "fed_cycle_phase",
        1,
        fed_cycle_phase="easing",
    ),
    bad(
        "macro_daily: a value used before it was observed",
        MACRO_DAILY,
        PAIR_GT,
        "trading_date, dff_observation_date",
        0,
        dff_observation_date=pd.Timestamp("2026-06-30"),
    ),
    bad(
        "macro_daily: duplicate day",
        MACRO_DAILY,
        UNIQUE_1,
        "trading_date",
        frame=duplicated(MACRO_DAILY),
    ),
    bad("macro_daily: future day", MACRO_DAILY, BETWEEN, "trading_date", 1, trading_date=FUTURE),
    # marts.fct_rate_sensitivity (row 2: too few observations for a beta)
    bad("rates: R-squared above 1", RATES, BETWEEN, "r_squared_2y_frac", 0, r_squared_2y_frac=1.3),
    bad(
        "rates: more observations than the window",
        RATES,
        BETWEEN,
        "obs_count_10y",
        1,
        obs_count_10y=130,
    ),
    bad(
        "rates: beta on too few observations",
        RATES,
        NULL,
        "beta_2y_bps_per_pp",
        2,
        beta_2y_bps_per_pp=-50.0,
        r_squared_2y_frac=0.01,
    ),
    bad(
        "rates: beta without R-squared",
        RATES,
        NOT_NULL,
        "r_squared_10y_frac",
        1,
        r_squared_10y_frac=None,
    ),
    bad("rates: 8 pp yield move in a day", RATES, BETWEEN, "dgs2_change_pp", 0, dgs2_change_pp=8.0),
    bad("rates: duplicate key", RATES, UNIQUE, "pair_id, rotation_date", frame=duplicated(RATES)),
    bad("rates: future date", RATES, BETWEEN, "rotation_date", 2, rotation_date=FUTURE),
    # marts.rpt_rotation_scorecard (rows: 0 all for small caps, 1 all for large caps, 2 mixed)
    bad(
        "scorecard: signal 2",
        SCORECARD,
        IN_SET,
        "valuation_signal",
        2,
        valuation_signal=2,
        composite_score=3,
    ),
    bad(
        "scorecard: positive labour-market signal",
        SCORECARD,
        IN_SET,
        "labour_market_risk_signal",
        0,
        labour_market_risk_signal=1,
        composite_score=6,
    ),
    bad(
        "scorecard: score not the sum of the signals",
        SCORECARD,
        NULL,
        "composite_score",
        0,
        composite_score=3,
    ),
    bad(
        "scorecard: signals available miscounted",
        SCORECARD,
        NULL,
        "signals_available",
        2,
        signals_available=6,
    ),
    bad(
        "scorecard: label against the score",
        SCORECARD,
        PAIR_IN,
        "composite_score, composite_label",
        0,
        composite_label="mixed",
    ),
    bad(
        "scorecard: momentum against the regime",
        SCORECARD,
        PAIR_IN,
        "regime, momentum_signal",
        1,
        momentum_signal=1,
        composite_score=-5,
    ),
    bad(
        "scorecard: momentum missing without a reason",
        SCORECARD,
        NOT_NULL,
        "momentum_missing_reason",
        2,
        momentum_missing_reason=None,
    ),
    bad(
        "scorecard: a reason for a momentum that is known",
        SCORECARD,
        NULL,
        "momentum_missing_reason",
        0,
        momentum_missing_reason="no price of ^GSPC that day (last price 2026-06-26)",
    ),
    bad(
        "scorecard: rates signal against the Fed cycle",
        SCORECARD,
        PAIR_IN,
        "fed_cycle_phase, rates_signal",
        2,
        rates_signal=1,
        composite_score=2,
        composite_label="supports_small_caps",
    ),
    bad(
        "scorecard: flows signal following the USD difference, not the flows for size",
        SCORECARD,
        IN_SET,
        "flows_signal",
        0,
        flows_signal=-1,
        composite_score=3,
    ),
    bad(
        "scorecard: valuation signal against the percentile",
        SCORECARD,
        IN_SET,
        "valuation_signal",
        0,
        valuation_signal=0,
        composite_score=4,
    ),
    bad(
        "scorecard: percentile above 1",
        SCORECARD,
        BETWEEN,
        "discount_percentile_frac",
        1,
        discount_percentile_frac=1.5,
    ),
    bad(
        "scorecard: valuation of an unfinished month",
        SCORECARD,
        PAIR_GT,
        "scorecard_date, valuation_month",
        2,
        valuation_month=pd.Timestamp("2026-07-01"),
    ),
    bad(
        "scorecard: duplicate key",
        SCORECARD,
        UNIQUE,
        "pair_id, scorecard_date",
        frame=duplicated(SCORECARD),
    ),
    bad("scorecard: future date", SCORECARD, BETWEEN, "scorecard_date", 2, scorecard_date=FUTURE),
    bad(
        "scorecard: broad breadth called neutral",
        SCORECARD,
        IN_SET,
        "breadth_signal",
        0,
        breadth_signal=0,
        composite_score=4,
    ),
    bad(
        "scorecard: lagging median member called neutral",
        SCORECARD,
        IN_SET,
        "breadth_signal",
        1,
        breadth_above_ma_200_frac=0.5,
        breadth_signal=0,
        composite_score=-6,
    ),
    bad(
        "scorecard: breadth signal without constituents",
        SCORECARD,
        NULL,
        "breadth_signal",
        2,
        breadth_signal=1,
        composite_score=2,
        signals_available=5,
        composite_label="supports_small_caps",
    ),
    bad(
        "scorecard: breadth share above 1",
        SCORECARD,
        BETWEEN,
        "breadth_above_ma_200_frac",
        0,
        breadth_above_ma_200_frac=68.0,
    ),
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


def test_every_suite_file_parses_and_guards_a_raw_table_or_mart():
    names = quality.suite_names()
    assert {quality.suite_table(n) for n in names} == TABLES  # one suite per table, none missing
    for name in names:
        spec = quality.load_suite(name)
        table = spec["meta"]["table"]
        assert spec["name"] == name == table.replace(".", "_")
        assert spec["meta"]["description"]
        assert quality.expectation_suite(name).expectations  # GX accepts every expectation
        for expectation in spec["expectations"]:
            assert set(expectation) <= {"type", "kwargs", "meta"}
            kwargs = expectation["kwargs"]
            if "row_condition" in kwargs:  # a condition is never obvious: it says why
                assert kwargs["condition_parser"] == "pandas"
                assert expectation.get("meta", {}).get("why"), (name, kwargs)
        unique = [e for e in spec["expectations"] if "unique" in e["type"]]
        assert unique, f"{name} checks no grain"


def test_every_macro_series_of_the_seed_has_a_plausible_range():
    spec = quality.load_suite("raw_macro_observations")
    (known,) = [
        e
        for e in spec["expectations"]
        if e["kwargs"].get("column") == "series_id" and e["type"] == IN_SET
    ]
    series = set(reference.macro_series()["series_id"])
    assert set(known["kwargs"]["value_set"]) == series
    ranged = {
        e["kwargs"]["row_condition"].split("'")[1]
        for e in spec["expectations"]
        if e["type"] == BETWEEN and e["kwargs"].get("column") == "value"
    }
    assert ranged == series


@pytest.mark.parametrize("suite", sorted(GOOD))
def test_good_frame_passes(suite):
    assert [o.describe() for o in failures(GOOD[suite](), suite)] == []


def test_every_suite_has_a_good_frame_and_bad_frames():
    assert set(GOOD) == set(quality.suite_names())
    assert {case.values[0] for case in BAD} == set(quality.suite_names())


@pytest.mark.parametrize("suite, frame, expectation, column", BAD)
def test_bad_frame_fails_the_named_expectation(suite, frame, expectation, column):
    failed = failures(frame, suite)
    assert (expectation, column) in [(o.expectation, o.column) for o in failed], [
        o.describe() for o in failed
    ]


@pytest.mark.parametrize("day", ["1987-10-19", "2008-10-13", "2020-03-16"])
def test_a_real_crash_day_is_an_allowed_exception(day):
    frame = changed(PRICES_DAILY, 1, price_date=pd.Timestamp(day), ret_1d=-0.3)
    assert [o.describe() for o in failures(frame, PRICES_DAILY)] == []


def test_the_sample_warehouse_passes_every_suite(sample_warehouse):
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        frames = {n: con.sql(f"select * from {quality.suite_table(n)}").df() for n in GOOD}
    failed = {
        name: [o.describe() for o in quality.validate(frame, name) if not o.success]
        for name, frame in frames.items()
    }
    assert {name: f for name, f in failed.items() if f} == {}
    assert all(len(frame) for frame in frames.values())
