"""fct_rate_sensitivity against an independent pandas/numpy computation on the sample warehouse.

The pandas side reads only raw.prices, raw.macro_observations, the pairs seed and the project's
vars. For each pair it rebuilds the common trading days and the 1-day return spread from prices,
takes that day's DGS2 / DGS10 observation, differences the yields row to row (a missing
observation on either day gives no change), and fits each trailing window by the textbook
two-pass formulas (centred sums over the window's complete observations). Every row is compared:
observation counts exactly, betas and R-squared to 1e-9.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from numpy.lib.stride_tricks import sliding_window_view

from dagster_project import reference
from dagster_project.resources import DBT_PROJECT_DIR

TENORS = {"2y": "DGS2", "10y": "DGS10"}
TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}


def project_vars() -> dict:
    with open(DBT_PROJECT_DIR / "dbt_project.yml") as handle:
        return yaml.safe_load(handle)["vars"]


def snapshot(path, query: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(query).df()


def rolling_ols(
    x: np.ndarray, y: np.ndarray, window: int, min_obs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: (observation count, slope, R-squared) over the trailing `window` rows."""
    pad = np.full(window - 1, np.nan)
    xs = sliding_window_view(np.r_[pad, x], window)
    ys = sliding_window_view(np.r_[pad, y], window)
    valid = ~np.isnan(xs) & ~np.isnan(ys)
    count = valid.sum(axis=1)
    x0, y0 = np.where(valid, xs, 0.0), np.where(valid, ys, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_x = x0.sum(axis=1) / count
        mean_y = y0.sum(axis=1) / count
        dx = np.where(valid, xs - mean_x[:, None], 0.0)
        dy = np.where(valid, ys - mean_y[:, None], 0.0)
        sxx, syy, sxy = (dx * dx).sum(axis=1), (dy * dy).sum(axis=1), (dx * dy).sum(axis=1)
        usable = (count >= min_obs) & (sxx > 0)
        slope = np.where(usable, sxy / sxx, np.nan)
        r2 = np.where(usable, np.where(syy == 0, 1.0, sxy * sxy / (sxx * syy)), np.nan)
    return count, slope, r2


def expected_rate_sensitivity(
    prices: pd.DataFrame, yields: pd.DataFrame, window: int, min_obs: int
) -> pd.DataFrame:
    frames = []
    for pair in reference.pairs().itertuples():
        small = prices[prices["symbol"] == pair.small_symbol].set_index("date")["px"]
        large = prices[prices["symbol"] == pair.large_symbol].set_index("date")["px"]
        days = small.index.intersection(large.index).sort_values()
        s, g = small.loc[days].to_numpy(), large.loc[days].to_numpy()
        spread = np.r_[np.nan, ((s[1:] / s[:-1] - 1) - (g[1:] / g[:-1] - 1)) * 10000]
        frame = pd.DataFrame({"pair_id": pair.pair_id, "rotation_date": days})
        frame["spread_1d_bps"] = spread
        on_days = yields.reindex(days)  # that day's observation, NaN where there is none
        for tenor, series_id in TENORS.items():
            level = on_days[series_id].to_numpy()
            change = np.r_[np.nan, level[1:] - level[:-1]]  # NaN when either day is missing
            name = series_id.lower()
            frame[f"{name}_pct"] = level
            frame[f"{name}_change_pp"] = change
            count, slope, r2 = rolling_ols(change, spread, window, min_obs)
            frame[f"obs_count_{tenor}"] = count
            frame[f"beta_{tenor}_bps_per_pp"] = slope
            frame[f"r_squared_{tenor}_frac"] = r2
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).sort_values(["pair_id", "rotation_date"])


@pytest.fixture(scope="module")
def expected(sample_warehouse) -> pd.DataFrame:
    prices = snapshot(sample_warehouse, "select symbol, date, close, adj_close from raw.prices")
    prices["px"] = prices["adj_close"].fillna(prices["close"])
    prices["date"] = pd.to_datetime(prices["date"])
    observations = snapshot(
        sample_warehouse,
        "select series_id, date, value from raw.macro_observations"
        " where series_id in ('DGS2', 'DGS10')",
    )
    observations["date"] = pd.to_datetime(observations["date"])
    yields = observations.pivot(index="date", columns="series_id", values="value")
    settings = project_vars()
    return expected_rate_sensitivity(
        prices,
        yields,
        int(settings["rate_beta_window_days"]),
        int(settings.get("rate_beta_min_obs", 100)),
    ).reset_index(drop=True)


@pytest.fixture(scope="module")
def mart(sample_warehouse) -> pd.DataFrame:
    return snapshot(
        sample_warehouse, "select * from marts.fct_rate_sensitivity order by pair_id, rotation_date"
    )


def test_rate_sensitivity_matches_an_independent_pandas_computation(mart, expected):
    assert sorted(mart.columns) == sorted(expected.columns)
    assert len(mart) == len(expected)
    assert mart["pair_id"].tolist() == expected["pair_id"].tolist()
    np.testing.assert_array_equal(
        pd.to_datetime(mart["rotation_date"]).to_numpy(), expected["rotation_date"].to_numpy()
    )
    for tenor in TENORS:
        column = f"obs_count_{tenor}"
        np.testing.assert_array_equal(mart[column].to_numpy(), expected[column].to_numpy())
    numeric = [c for c in expected.columns if c not in ("pair_id", "rotation_date")]
    for column in numeric:
        got = mart[column].to_numpy(dtype=float)
        want = expected[column].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=column)
        np.testing.assert_allclose(got, want, **TOLERANCE, err_msg=column)


def test_every_pair_has_betas_on_its_latest_day(mart):
    latest = mart.groupby("pair_id").tail(1)
    assert set(latest["pair_id"]) == set(reference.pairs()["pair_id"])
    betas = ["beta_2y_bps_per_pp", "beta_10y_bps_per_pp", "r_squared_2y_frac"]
    assert latest[betas].notna().all().all()
    assert (mart["r_squared_2y_frac"].dropna().between(0, 1)).all()
