"""fct_valuation_monthly against an independent pandas computation on the sample warehouse.

The pandas side reads raw.valuations and the instruments seed only, takes each leg's last
observation per calendar month with groupby/last, builds the month spine with
pd.period_range and computes every window statistic month by month with numpy slices.
Every column and every row of the mart is compared (NaN positions included).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

from dagster_project import reference

TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}
DBT_PROJECT = Path(reference.PROJECT_ROOT) / "dbt_models" / "dbt_project.yml"
MEASURES = {"forward": "", "trailing": "trailing_"}  # metric -> column prefix of the stats


def snapshot(path: Path, query: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(query).df()


def lookback_months() -> int:
    years = yaml.safe_load(DBT_PROJECT.read_text())["vars"]["valuation_lookback_years"]
    return round(years * 12)


def leg_symbol(segment: str) -> str:
    instruments = reference.instruments()
    match = instruments[(instruments["kind"] == "index") & (instruments["segment"] == segment)]
    assert len(match) == 1, f"expected one {segment} index in the instruments seed"
    return match["symbol"].iloc[0]


def window_stats(relative: np.ndarray, window: int) -> pd.DataFrame:
    """Per month i: stats of the non-NaN values among months i-window+1 .. i."""
    rows = []
    for i, value in enumerate(relative):
        history = relative[max(0, i - window + 1) : i + 1]
        history = history[~np.isnan(history)]
        n = len(history)
        if np.isnan(value):
            rows.append((n, np.nan, np.nan, np.nan))
            continue
        std = history.std(ddof=1) if n >= 2 else np.nan
        zscore = (value - history.mean()) / std if n >= 2 and std != 0 else np.nan
        rows.append((n, (history <= value).sum() / n, zscore, float(value <= history.min())))
    return pd.DataFrame(rows, columns=["window_months", "percentile", "zscore", "is_low"])


@pytest.fixture(scope="module")
def mart(sample_warehouse) -> pd.DataFrame:
    return snapshot(sample_warehouse, "select * from marts.fct_valuation_monthly order by 1")


@pytest.fixture(scope="module")
def expected(sample_warehouse) -> pd.DataFrame:
    small, large = leg_symbol("small"), leg_symbol("large")
    raw = snapshot(sample_warehouse, "select symbol, date, metric, value from raw.valuations")
    raw = raw[
        raw["symbol"].isin([small, large])
        & raw["metric"].isin(["forward_pe", "trailing_pe"])
        & raw["value"].notna()
    ].copy()
    raw["month"] = pd.to_datetime(raw["date"]).dt.to_period("M")
    last = raw.sort_values("date").groupby(["symbol", "metric", "month"])["value"].last()

    months = pd.period_range(raw["month"].min(), raw["month"].max(), freq="M")
    frame = pd.DataFrame({"month_start": months.to_timestamp()})
    frame["small_symbol"], frame["large_symbol"] = small, large
    for leg, symbol in (("small", small), ("large", large)):
        for metric in ("forward", "trailing"):
            series = last.xs((symbol, f"{metric}_pe"), level=["symbol", "metric"])
            frame[f"{leg}_{metric}_pe"] = series.reindex(months).to_numpy()

    window = lookback_months()
    for metric, prefix in MEASURES.items():
        large_pe = frame[f"large_{metric}_pe"].replace(0, np.nan)
        relative = frame[f"small_{metric}_pe"] / large_pe
        frame[f"relative_{metric}_pe"] = relative
        frame[f"{prefix}discount_pct"] = (relative - 1) * 100
        stats = window_stats(relative.to_numpy(dtype=float), window)
        frame[f"{prefix}window_months"] = stats["window_months"].to_numpy()
        frame[f"{prefix}discount_percentile_frac"] = stats["percentile"].to_numpy()
        frame[f"{prefix}discount_zscore"] = stats["zscore"].to_numpy()
        frame[f"is_{prefix}lookback_low"] = stats["is_low"].to_numpy()
    return frame


def test_valuation_grain_and_month_spine(mart, expected):
    assert mart["month_start"].is_unique
    assert len(mart) == len(expected) > 300
    np.testing.assert_array_equal(
        pd.to_datetime(mart["month_start"]).to_numpy(), expected["month_start"].to_numpy()
    )
    for column in ("small_symbol", "large_symbol"):
        assert mart[column].tolist() == expected[column].tolist()


def test_valuation_every_column_matches_pandas(mart, expected):
    numeric = [
        c for c in expected.columns if c not in ("month_start", "small_symbol", "large_symbol")
    ]
    assert set(mart.columns) == set(expected.columns)
    for column in numeric:
        np.testing.assert_allclose(
            mart[column].astype(float).to_numpy(),
            expected[column].astype(float).to_numpy(),
            err_msg=column,
            **TOLERANCE,
        )


def test_valuation_sample_shows_a_full_window_and_a_discount(mart):
    latest = mart.iloc[-1]
    assert latest["window_months"] == lookback_months()
    assert latest["discount_pct"] < 0  # the sample puts small caps at a discount by 2026
    assert 0 < latest["discount_percentile_frac"] <= 1
