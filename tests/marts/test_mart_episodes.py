"""fct_rotation_episodes and rpt_rotation_episode_summary against an independent pandas computation.

The pandas side reads only raw.prices, the pairs seed and the project's vars (threshold, gap),
rebuilds each pair's common trading days and 10-day spread from prices, and applies the episode
rule with a plain Python loop (the sequential gap rule, walked crossing by crossing). Every row
and every column of both marts is compared, to 1e-9.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

from dagster_project import reference
from dagster_project.resources import DBT_PROJECT_DIR

HORIZONS = [21, 63, 126, 252]
SIDES = {"small": 1, "large": -1}
TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}
EPISODE_KEYS = ["pair_id", "side", "episode_number"]
SUMMARY_KEYS = ["pair_id", "side", "horizon_days"]


def project_vars() -> dict:
    with open(DBT_PROJECT_DIR / "dbt_project.yml") as handle:
        return yaml.safe_load(handle)["vars"]


def snapshot(path, query: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(query).df()


def pair_series(prices: pd.DataFrame, pair) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """The pair's common trading days and both legs' return prices on them."""
    small = prices[prices["symbol"] == pair.small_symbol].set_index("date")["px"]
    large = prices[prices["symbol"] == pair.large_symbol].set_index("date")["px"]
    days = small.index.intersection(large.index).sort_values()
    return days, small.loc[days].to_numpy(), large.loc[days].to_numpy()


def relative_return_bps(s: np.ndarray, g: np.ndarray, start: int, end: int) -> float:
    return ((s[end] / s[start] - 1) - (g[end] / g[start] - 1)) * 10000


def accepted_starts(crossings: list[int], min_gap: int) -> list[int]:
    """The sequential gap rule: a crossing counts if min_gap rows after the last accepted one."""
    starts: list[int] = []
    for day in crossings:
        if not starts or day - starts[-1] >= min_gap:
            starts.append(day)
    return starts


def expected_episodes(prices: pd.DataFrame, threshold: float, min_gap: int) -> pd.DataFrame:
    rows = []
    for pair in reference.pairs().itertuples():
        days, s, g = pair_series(prices, pair)
        n = len(days)
        spread10 = np.full(n, np.nan)
        spread10[10:] = ((s[10:] / s[:-10] - 1) - (g[10:] / g[:-10] - 1)) * 10000
        ratio = (s / g) / (s[0] / g[0]) * 100
        for side, sign in SIDES.items():
            signed = sign * spread10
            crossings = [
                i
                for i in range(1, n)
                if not np.isnan(signed[i - 1])
                and signed[i] >= threshold
                and signed[i - 1] < threshold
            ]
            starts = accepted_starts(crossings, min_gap)
            for number, day in enumerate(starts, start=1):
                row = {
                    "pair_id": pair.pair_id,
                    "side": side,
                    "side_label": getattr(pair, f"{side}_label"),  # the seed's words
                    "episode_number": number,
                    "start_date": days[day],
                    "start_spread_10d_bps": spread10[day],
                    "start_ratio": ratio[day],
                    "trading_days_since_previous_episode": (
                        day - starts[number - 2] if number > 1 else np.nan
                    ),
                }
                for h in HORIZONS:
                    fwd = relative_return_bps(s, g, day, day + h) if day + h < n else np.nan
                    row[f"fwd_spread_{h}d_bps"] = fwd
                    row[f"lead_continued_{h}d"] = None if np.isnan(fwd) else bool(sign * fwd > 0)
                row["trading_days_elapsed"] = n - 1 - day
                row["spread_to_date_bps"] = relative_return_bps(s, g, day, n - 1)
                row["is_current"] = number == len(starts)
                rows.append(row)
    return pd.DataFrame(rows).sort_values(EPISODE_KEYS).reset_index(drop=True)


def percent_rank(values: pd.Series) -> pd.Series:
    """(rank - 1) / (n - 1), ties at their lowest rank, 0 for a single value."""
    if len(values) == 1:
        return pd.Series(0.0, index=values.index)
    return (values.rank(method="min") - 1) / (len(values) - 1)


def expected_summary(episodes: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for pair in reference.pairs().itertuples():
        pair_id = pair.pair_id
        for side in SIDES:
            mine = episodes[(episodes["pair_id"] == pair_id) & (episodes["side"] == side)]
            current = None
            if len(mine):
                ranks = percent_rank(mine["start_spread_10d_bps"])
                current = mine.loc[mine["episode_number"].idxmax()]
                current_rank = ranks[current.name]
            for h in HORIZONS:
                completed = mine[f"fwd_spread_{h}d_bps"].dropna()
                hits = int(mine[f"lead_continued_{h}d"].eq(True).sum())
                row = {
                    "pair_id": pair_id,
                    "side": side,
                    "side_label": getattr(pair, f"{side}_label"),
                    "horizon_days": h,
                    "episode_count": len(mine),
                    "completed_episode_count": len(completed),
                    "hit_count": hits,
                    "hit_rate_frac": hits / len(completed) if len(completed) else np.nan,
                    "median_fwd_spread_bps": np.median(completed) if len(completed) else np.nan,
                    "current_episode_number": np.nan,
                    "current_start_date": pd.NaT,
                    "current_start_spread_10d_bps": np.nan,
                    "current_start_spread_pct_rank_frac": np.nan,
                    "current_trading_days_elapsed": np.nan,
                    "current_spread_to_date_bps": np.nan,
                    "current_fwd_spread_bps": np.nan,
                    "current_lead_continued": None,
                }
                if current is not None:
                    row.update(
                        current_episode_number=current["episode_number"],
                        current_start_date=current["start_date"],
                        current_start_spread_10d_bps=current["start_spread_10d_bps"],
                        current_start_spread_pct_rank_frac=current_rank,
                        current_trading_days_elapsed=current["trading_days_elapsed"],
                        current_spread_to_date_bps=current["spread_to_date_bps"],
                        current_fwd_spread_bps=current[f"fwd_spread_{h}d_bps"],
                        current_lead_continued=current[f"lead_continued_{h}d"],
                    )
                rows.append(row)
    return pd.DataFrame(rows).sort_values(SUMMARY_KEYS).reset_index(drop=True)


def assert_frames_match(got: pd.DataFrame, want: pd.DataFrame, keys: list[str]) -> None:
    """Same rows in the same order; every column equal (floats to 1e-9, nulls in place)."""
    assert sorted(got.columns) == sorted(want.columns)
    assert len(got) == len(want)
    for key in keys:
        assert got[key].tolist() == want[key].tolist(), key
    for column in want.columns:
        if column in keys:
            continue
        if column.startswith("lead_continued") or column in (
            "is_current",
            "current_lead_continued",
        ):
            as_text = [None if pd.isna(v) else bool(v) for v in got[column]]
            assert as_text == [None if pd.isna(v) else bool(v) for v in want[column]], column
        elif column == "side_label":
            assert got[column].tolist() == want[column].tolist(), column
        elif column.endswith("_date"):
            got_dates = pd.to_datetime(got[column]).to_numpy()
            want_dates = pd.to_datetime(want[column]).to_numpy()
            np.testing.assert_array_equal(got_dates, want_dates, err_msg=column)
        else:
            got_values = got[column].to_numpy(dtype=float)
            want_values = want[column].to_numpy(dtype=float)
            np.testing.assert_array_equal(
                np.isnan(got_values), np.isnan(want_values), err_msg=column
            )
            np.testing.assert_allclose(got_values, want_values, **TOLERANCE, err_msg=column)


@pytest.fixture(scope="module")
def raw_prices(sample_warehouse) -> pd.DataFrame:
    frame = snapshot(sample_warehouse, "select symbol, date, close, adj_close from raw.prices")
    frame["px"] = frame["adj_close"].fillna(frame["close"])  # adj_close where present
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@pytest.fixture(scope="module")
def want_episodes(raw_prices) -> pd.DataFrame:
    settings = project_vars()
    return expected_episodes(
        raw_prices, settings["episode_threshold_bps"], int(settings["episode_min_gap_days"])
    )


@pytest.fixture(scope="module")
def episodes(sample_warehouse) -> pd.DataFrame:
    return snapshot(
        sample_warehouse,
        "select * from marts.fct_rotation_episodes order by pair_id, side, episode_number",
    )


@pytest.fixture(scope="module")
def summary(sample_warehouse) -> pd.DataFrame:
    return snapshot(
        sample_warehouse,
        "select * from marts.rpt_rotation_episode_summary order by pair_id, side, horizon_days",
    )


def test_episodes_match_an_independent_pandas_computation(episodes, want_episodes):
    assert_frames_match(episodes, want_episodes, EPISODE_KEYS)


def test_episodes_summary_matches_pandas(summary, want_episodes):
    assert_frames_match(summary, expected_summary(want_episodes), SUMMARY_KEYS)


def test_every_pair_has_episodes_on_both_sides_with_completed_horizons(episodes, summary):
    counts = episodes.groupby(["pair_id", "side"]).size()
    assert len(counts) == 2 * len(reference.pairs())
    assert (summary["completed_episode_count"] > 0).all()
    gaps = episodes["trading_days_since_previous_episode"].dropna()
    assert (gaps >= project_vars()["episode_min_gap_days"]).all()


def test_rsp_spy_is_equal_against_cap_weight_and_the_size_pairs_small_against_large(
    episodes, summary
):
    # written out, not read from the seed: what each pair's sides must be called
    want = {
        ("rsp_spy", "small"): "equal weight",
        ("rsp_spy", "large"): "cap weight",
        **{(p, "small"): "small caps" for p in ("rut_spx", "iwm_spy", "ijr_spy")},
        **{(p, "large"): "large caps" for p in ("rut_spx", "iwm_spy", "ijr_spy")},
    }
    for mart in (episodes, summary):
        labels = mart.groupby(["pair_id", "side"])["side_label"].unique()
        assert {key: list(v) for key, v in labels.items()} == {k: [v] for k, v in want.items()}
