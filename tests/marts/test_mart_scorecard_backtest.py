"""rpt_scorecard_backtest and rpt_scorecard_ic against an independent pandas computation, on
hand-made series whose answer is known.

A warehouse holds only the mart's two inputs, written here: a pair's prices over 900 common
days (fct_rotation_daily; both legs flat for 60 days, so that some forward spreads are
exactly 0, which is no hit for either side) and a scorecard (rpt_rotation_scorecard) whose
momentum signal is right by construction on 7 days in 10 at 21 days ahead (wrong on the
others) and whose valuation signal is random. dbt builds the mart on it (with its data
tests); pandas computes every row again with groupby over explicitly shifted prices, and both
must agree to 1e-9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.constituent_market import run_dbt
from support.scorecard_market import (
    BACKTEST,
    SIGNALS,
    forward_spread,
    market,
    read_marts,
    write_inputs,
)

TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}
HORIZONS = (21, 63, 126, 252)
DAYS = pd.bdate_range("2007-06-01", periods=900)  # two decades: the 2000s and the 2010s


def prices(rng: np.random.Generator) -> pd.DataFrame:
    small_log, large_log = rng.normal(0, 0.012, len(DAYS)), rng.normal(0, 0.009, len(DAYS))
    small_log[401:460] = large_log[401:460] = 0  # both flat: some forward spreads exactly 0
    return market(DAYS, small_log, large_log)


def scorecard(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(frame)
    side = np.sign(forward_spread(frame, 21)).fillna(1).to_numpy()
    right = np.arange(n) % 10 < 7  # right on 7 days in 10
    card = pd.DataFrame({"scorecard_date": frame["rotation_date"]})
    card["momentum_signal"] = np.where(right, side, -side)
    card["valuation_signal"] = rng.integers(-1, 2, n)
    card["flows_signal"] = rng.integers(-1, 2, n).astype(float)
    card.loc[:99, "flows_signal"] = np.nan  # unknown at first
    for name in ("rates", "labour_market_risk", "inflation_risk", "breadth"):
        card[f"{name}_signal"] = rng.integers(-1, 2, n)
    card["composite_label"] = rng.choice(["supports_small_caps", "supports_large_caps", "mixed"], n)
    card["composite_score"] = card[[f"{name}_signal" for name in SIGNALS]].fillna(0).sum(axis=1)
    return card


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The inputs, and the marts dbt built from them."""
    work = tmp_path_factory.mktemp("scorecard_backtest")
    rng = np.random.default_rng(7)
    frame = prices(rng)
    card = scorecard(frame, rng)
    path = work / "rotation.duckdb"
    write_inputs(path, frame, card)
    run_dbt(path, work, "build", *BACKTEST)
    return {"frame": frame, "card": card, **read_marts(path)}


def outcomes(frame: pd.DataFrame, card: pd.DataFrame) -> pd.DataFrame:
    """One row per day, signal and horizon with a signal value and a complete forward window."""
    days = pd.DataFrame({"scorecard_date": frame["rotation_date"], "day": np.arange(len(frame))})
    signals = {name: card[f"{name}_signal"] for name in SIGNALS}
    signals["composite"] = card["composite_label"].map(
        {"supports_small_caps": 1, "supports_large_caps": -1, "mixed": 0}
    )
    signals["composite_score"] = card["composite_score"]
    signals["always_small"] = pd.Series(1, index=card.index)
    yesterday = np.sign(frame["spread_63d_bps"].shift(1))
    signals["naive_momentum"] = yesterday
    signals["naive_reversal"] = -yesterday
    parts = []
    for h in HORIZONS:
        fwd = forward_spread(frame, h)
        for name, values in signals.items():
            long = days.assign(signal_name=name, signal_value=values, horizon_days=h, fwd=fwd)
            parts.append(long.dropna(subset=["signal_value", "fwd"]))
    long = pd.concat(parts, ignore_index=True)
    long["decade"] = (long["scorecard_date"].dt.year // 10 * 10).astype(str) + "s"
    long["sampled"] = long["day"] % long["horizon_days"] == 0
    return long


def by_period(long: pd.DataFrame, keys: list[str]):
    """(period, keys..., group) over the whole history and each decade."""
    for period, part in [("all", long), *long.groupby("decade")]:
        for key, group in part.groupby(keys):
            yield period, key, group


def expected(frame: pd.DataFrame, card: pd.DataFrame) -> pd.DataFrame:
    """Every row of rpt_scorecard_backtest, by pandas groupby."""
    long = outcomes(frame, card)
    long = long[long["signal_name"] != "composite_score"]
    rows = []
    for period, (name, h, value), group in by_period(
        long, ["signal_name", "horizon_days", "signal_value"]
    ):
        sampled = group.loc[group["sampled"], "fwd"]
        hits = ((group["fwd"] > 0) if value == 1 else (group["fwd"] < 0)).sum()
        std = sampled.std(ddof=1) if len(sampled) > 1 else np.nan
        rows.append(
            {
                "pair_id": "rut_spx",
                "signal_name": name,
                "signal_value": int(value),
                "horizon_days": h,
                "period": period,
                "first_date": group["scorecard_date"].min(),
                "last_date": group["scorecard_date"].max(),
                "day_count": len(group),
                "mean_fwd_spread_bps": group["fwd"].mean(),
                "median_fwd_spread_bps": group["fwd"].median(),
                "hit_count": np.nan if value == 0 else float(hits),
                "hit_rate_frac": np.nan if value == 0 else hits / len(group),
                "sample_count": len(sampled),
                "sample_mean_fwd_spread_bps": sampled.mean(),
                "sample_stddev_bps": std,
                "sample_t_stat": sampled.mean() / (std / np.sqrt(len(sampled))) if std else np.nan,
            }
        )
    return pd.DataFrame(rows)


def spearman(x: pd.Series, y: pd.Series) -> float:
    """Pearson's correlation of average ranks; NaN when either side is constant."""
    if x.nunique() < 2 or y.nunique() < 2:
        return np.nan
    return float(np.corrcoef(x.rank(), y.rank())[0, 1])


def expected_ic(frame: pd.DataFrame, card: pd.DataFrame) -> pd.DataFrame:
    """Every row of rpt_scorecard_ic, by pandas."""
    long = outcomes(frame, card)
    long = long[~long["signal_name"].isin(["always_small", "composite", "naive_reversal"])]
    rows = []
    for period, (name, h), group in by_period(long, ["signal_name", "horizon_days"]):
        sampled = group[group["sampled"]]
        m = len(sampled)
        ic_s = spearman(sampled["signal_value"], sampled["fwd"]) if m else np.nan
        t = ic_s * np.sqrt((m - 2) / (1 - ic_s**2)) if m > 2 and abs(ic_s) < 1 else np.nan
        rows.append(
            {
                "pair_id": "rut_spx",
                "signal_name": name,
                "horizon_days": h,
                "period": period,
                "day_count": len(group),
                "ic": spearman(group["signal_value"], group["fwd"]),
                "sample_count": m,
                "sample_ic": ic_s,
                "sample_ic_t_stat": t,
            }
        )
    return pd.DataFrame(rows)


def test_every_row_agrees_with_pandas(built):
    frame, card, mart = built["frame"], built["card"], built["backtest"]
    keys = ["pair_id", "signal_name", "signal_value", "horizon_days", "period"]
    want = expected(frame, card).sort_values(keys).reset_index(drop=True)
    got = mart[want.columns].sort_values(keys).reset_index(drop=True)
    for column in ("first_date", "last_date"):
        got[column] = pd.to_datetime(got[column])
    got["hit_count"] = got["hit_count"].astype("float64")  # null for value 0
    for column in ("signal_value", "horizon_days", "day_count", "sample_count"):
        got[column] = got[column].astype("int64")
        want[column] = want[column].astype("int64")
    assert len(got) == len(want)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, **TOLERANCE)


def test_a_signal_right_7_days_in_10_shows_it_and_a_random_one_does_not(built):
    mart = built["backtest"]
    rows = mart[(mart["horizon_days"] == 21) & (mart["period"] == "all")].set_index(
        ["signal_name", "signal_value"]
    )
    momentum = rows.loc["momentum"].loc[[-1, 1]]  # 0 where the spread was flat: no side
    hits = momentum["hit_count"].sum()
    assert hits / momentum["day_count"].sum() == pytest.approx(0.7, abs=0.005)
    # right when +1 means small caps led over the next 21 days: mean > 0; when -1, < 0
    assert momentum.loc[1, "mean_fwd_spread_bps"] > 0 > momentum.loc[-1, "mean_fwd_spread_bps"]
    # a random signal is right as often as the base rate: the share of days small caps led
    # (always_small's hit rate) when +1, the share they lagged when -1
    base = rows.loc[("always_small", 1), "hit_rate_frac"]
    valuation = rows.loc["valuation"]
    assert valuation.loc[1, "hit_rate_frac"] == pytest.approx(base, abs=0.06)
    assert valuation.loc[-1, "hit_rate_frac"] == pytest.approx(1 - base, abs=0.06)
    # a year ahead, the 21-day construction says little: the hit rate falls back towards 50%
    year = mart[
        (mart["signal_name"] == "momentum")
        & (mart["horizon_days"] == 252)
        & (mart["period"] == "all")
    ]
    assert year["hit_count"].sum() / year["day_count"].sum() < 0.65


def test_the_t_statistic_uses_non_overlapping_days_only(built):
    mart = built["backtest"]
    always = mart[(mart["signal_name"] == "always_small") & (mart["period"] == "all")]
    for _, row in always.iterrows():
        h, n = row["horizon_days"], row["day_count"]
        assert row["sample_count"] == -(-n // h)  # days 1, h+1, 2h+1 ... among the first n


def test_every_ic_agrees_with_pandas(built):
    frame, card, ic = built["frame"], built["card"], built["ic"]
    keys = ["pair_id", "signal_name", "horizon_days", "period"]
    want = expected_ic(frame, card).sort_values(keys).reset_index(drop=True)
    got = ic[want.columns].sort_values(keys).reset_index(drop=True)
    for column in ("horizon_days", "day_count", "sample_count"):
        got[column] = got[column].astype("int64")
        want[column] = want[column].astype("int64")
    pd.testing.assert_frame_equal(got, want, check_dtype=False, **TOLERANCE)


def test_the_ic_sees_the_right_signal_and_not_the_random_one(built):
    ic = built["ic"]
    rows = ic[(ic["horizon_days"] == 21) & (ic["period"] == "all")].set_index("signal_name")
    assert rows.loc["momentum", "ic"] > 0.3  # right 7 days in 10
    assert rows.loc["momentum", "sample_ic_t_stat"] > 2
    assert abs(rows.loc["valuation", "ic"]) < 0.1  # random


def expected_rolling(frame: pd.DataFrame, card: pd.DataFrame) -> pd.DataFrame:
    """Every row of rpt_scorecard_ic_rolling, by pandas: at each year's last day d, the days of
    the 5 years before d whose forward window (H common days) had ended by d."""
    long = outcomes(frame, card)
    long = long[~long["signal_name"].isin(["always_small", "composite", "naive_reversal"])]
    dates = frame["rotation_date"]
    year_ends = dates.groupby(dates.dt.year).max()
    rows = []
    for as_of in year_ends:
        last = int(np.flatnonzero(dates == as_of)[0])
        known = long[
            (long["day"] + long["horizon_days"] <= last)
            & (long["scorecard_date"] > as_of - pd.DateOffset(years=5))
        ]
        for (name, h), group in known.groupby(["signal_name", "horizon_days"]):
            rows.append(
                {
                    "pair_id": "rut_spx",
                    "signal_name": name,
                    "horizon_days": h,
                    "as_of_date": as_of,
                    "day_count": len(group),
                    "ic": spearman(group["signal_value"], group["fwd"]),
                }
            )
    return pd.DataFrame(rows)


def test_every_rolling_ic_agrees_with_pandas_and_uses_only_ended_windows(built):
    frame, card, rolling = built["frame"], built["card"], built["rolling"]
    keys = ["pair_id", "signal_name", "horizon_days", "as_of_date"]
    want = expected_rolling(frame, card).sort_values(keys).reset_index(drop=True)
    got = rolling[want.columns].sort_values(keys).reset_index(drop=True)
    got["as_of_date"] = pd.to_datetime(got["as_of_date"])
    for column in ("horizon_days", "day_count"):
        got[column] = got[column].astype("int64")
        want[column] = want[column].astype("int64")
    pd.testing.assert_frame_equal(got, want, check_dtype=False, **TOLERANCE)
    # the first year end, 2007-12-31, is business day 152 (June 21, July 22, August 23,
    # September 20, October 23, November 22, December 21): its 252-day windows had not ended,
    # and momentum's 21-day record holds the 131 days whose window ended by day 152
    first = rolling[rolling["as_of_date"] == rolling["as_of_date"].min()]
    assert pd.Timestamp(first["as_of_date"].iloc[0]) == pd.Timestamp("2007-12-31")
    assert 252 not in set(first["horizon_days"])
    momentum = first[(first["signal_name"] == "momentum") & (first["horizon_days"] == 21)]
    assert momentum["day_count"].tolist() == [152 - 21]
