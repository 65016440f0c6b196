"""The bad frames of the macro suites: each a good frame (support/good_frames/macro.py)
with a value changed, and the expectation it must fail on the column named
(tests/quality/test_suite_frames.py)."""

from __future__ import annotations

import pandas as pd

from support.good_frames.macro import MACRO_DAILY, RATES
from support.suite_cases import bad, duplicated
from support.suite_values import BETWEEN, FUTURE, IN_SET, NOT_NULL, NULL, PAIR_GT, UNIQUE, UNIQUE_1

# One case per important expectation: (suite, bad frame, expectation that must fail, its column)
BAD = [
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
]
