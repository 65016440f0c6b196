"""The scorecard backtest marts' good frames (dbt_models/models/marts/rotation/rpt_scorecard_*):
part of the rotation domain, kept apart for size.

Each passes its suite; the bad frames of tests/quality/ are these with a value changed."""

from __future__ import annotations

import pandas as pd

from support.good_frames.columns import as_in_the_yml
from support.suite_values import days, ints

BACKTEST = "marts_rpt_scorecard_backtest"
IC = "marts_rpt_scorecard_ic"
IC_ROLLING = "marts_rpt_scorecard_ic_rolling"


def good_rpt_scorecard_backtest() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pair_id": ["rut_spx", "rut_spx", "rut_spx"],
            "signal_name": ["composite", "composite", "naive_momentum"],
            "signal_value": ints(1, 0, -1, dtype="Int32"),
            "horizon_days": ints(63, 63, 252, dtype="Int32"),
            "period": ["all", "2010s", "all"],
            "first_date": days("1996-02-27", "2010-01-04", "1995-05-15"),
            "last_date": days("2026-03-30", "2019-12-31", "2025-06-30"),
            "day_count": [1977, 1210, 3800],
            "mean_fwd_spread_bps": [-5.8, 32.6, 25.5],
            "median_fwd_spread_bps": [2.7, -1.3, -17.1],
            "hit_count": ints(997, None, 2043),  # null for value 0
            "hit_rate_frac": [0.5043, None, 0.5376],
            "sample_count": [24, 15, 15],
            "sample_mean_fwd_spread_bps": [-34.0, 48.7, 45.8],
            "sample_stddev_bps": [482.3, 546.2, 1563.0],
            "sample_t_stat": [-0.345, 0.345, 0.113],
        }
    )


def good_rpt_scorecard_ic() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pair_id": ["rut_spx", "rut_spx", "rut_spx"],
            "signal_name": ["composite_score", "momentum", "naive_momentum"],
            "horizon_days": ints(63, 252, 21, dtype="Int32"),
            "period": ["all", "2010s", "all"],
            "day_count": [7862, 2268, 7840],
            "ic": [0.0054, 0.19, -0.0119],
            "sample_count": [125, 9, 373],
            "sample_ic": [0.0001, None, -0.025],  # none: the sampled days' signal constant
            "sample_ic_t_stat": [0.0015, None, -0.48],
        }
    )


def good_rpt_scorecard_ic_rolling() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pair_id": ["rut_spx", "rut_spx", "rut_spx"],
            "signal_name": ["composite_score", "composite_score", "momentum"],
            "horizon_days": ints(63, 63, 252, dtype="Int32"),
            "as_of_date": days("1995-12-29", "2026-06-30", "2026-06-30"),
            "day_count": [189, 1191, 1010],
            "ic": [0.1928, -0.2386, None],  # none: a constant signal over the window
        }
    )


GOOD = as_in_the_yml(
    {
        BACKTEST: good_rpt_scorecard_backtest,
        IC: good_rpt_scorecard_ic,
        IC_ROLLING: good_rpt_scorecard_ic_rolling,
    }
)
