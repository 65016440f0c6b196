"""fct_macro_daily against an independent pandas computation on the sample warehouse.

The pandas side reads only the trading days (NYSE days through the latest day loaded,
calendar_twin), raw.macro_observations and the macro_series seed, and recomputes every column
of the mart for every trading day its own way: publication dates from the seed's lags (or
realtime_start), `pd.merge_asof` for the value known on each day, calendar months with
`pd.DateOffset`, and the Sahm rule month by month in Python for each state of knowledge (each
distinct publication date), never by shifting rows.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from calendar_twin import expected_calendar

from dagster_project import reference

TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}
CHANGE_MONTHS = (3, 6, 12)
PHASE_MONTHS = 6
DBT_PROJECT = Path(reference.PROJECT_ROOT) / "dbt_models" / "dbt_project.yml"


def sahm_trigger_pp() -> float:
    return float(yaml.safe_load(DBT_PROJECT.read_text())["vars"]["sahm_trigger_pp"])


def snapshot(path, query: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(query).df()


def as_datetime(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).astype("datetime64[ns]")


@pytest.fixture(scope="module")
def mart(sample_warehouse) -> pd.DataFrame:
    frame = snapshot(sample_warehouse, "select * from marts.fct_macro_daily order by trading_date")
    return frame.reset_index(drop=True)


@pytest.fixture(scope="module")
def trading_days(sample_warehouse) -> pd.Series:
    # the marts' calendar: NYSE days through the latest day loaded (calendar_twin)
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        return as_datetime(expected_calendar(con).to_numpy())


@pytest.fixture(scope="module")
def observations(sample_warehouse) -> pd.DataFrame:
    frame = snapshot(
        sample_warehouse,
        "select series_id, date, value, realtime_start from raw.macro_observations",
    )
    frame["date"] = as_datetime(frame["date"])
    lag_days = reference.macro_series().set_index("series_id")["release_lag_days"]
    lagged = frame["date"] + pd.to_timedelta(frame["series_id"].map(lag_days), unit="D")
    frame["published"] = as_datetime(frame["realtime_start"]).fillna(lagged)
    return frame.dropna(subset=["published"])


def series(observations: pd.DataFrame, series_id: str) -> pd.DataFrame:
    return observations[observations["series_id"] == series_id].reset_index(drop=True)


def known_on(days: pd.Series, obs: pd.DataFrame) -> pd.DataFrame:
    """Per trading day: the latest observation date among those published by the day, its value."""
    ordered = obs.sort_values(["published", "date"]).copy()
    ordered["latest"] = ordered["date"].cummax()  # the newest observation known after each release
    steps = ordered.groupby("published", as_index=False)["latest"].max()
    known = pd.merge_asof(pd.DataFrame({"day": days}), steps, left_on="day", right_on="published")
    known["value"] = known["latest"].map(obs.set_index("date")["value"])
    return known[["day", "latest", "value"]]


def expected_fed(days: pd.Series, observations: pd.DataFrame) -> dict[str, pd.Series]:
    single = known_on(days, series(observations, "DFEDTAR"))
    upper_range = known_on(days, series(observations, "DFEDTARU"))
    lower_range = known_on(days, series(observations, "DFEDTARL"))
    is_range = upper_range["latest"].notna()
    upper = upper_range["value"].where(is_range, single["value"])
    lower = lower_range["value"].where(is_range, single["value"])
    out = {
        "fed_target_upper_pct": upper,
        "fed_target_lower_pct": lower,
        "fed_target_mid_pct": (upper + lower) / 2,
        "fed_target_is_range": is_range.where(is_range | single["latest"].notna(), None).astype(
            object
        ),
        "fed_target_observation_date": upper_range["latest"].where(is_range, single["latest"]),
    }
    history = pd.DataFrame({"past_day": days, "past_upper": upper})
    lookback = {}
    for months in CHANGE_MONTHS:
        back = as_datetime(days - pd.DateOffset(months=months))  # clamped to the month's end
        past = pd.merge_asof(
            pd.DataFrame({"back": back}), history, left_on="back", right_on="past_day"
        )
        lookback[months] = (back, past["past_upper"])
        out[f"fed_target_change_{months}m_pp"] = upper - past["past_upper"]

    move = upper - upper.shift(1)
    moved = move.notna() & (move != 0)
    last_move_date = days.where(moved).ffill()
    last_move_pp = move.where(moved).ffill()
    back, past_upper = lookback[PHASE_MONTHS]
    recent = last_move_date > back
    phase = pd.Series("holding", index=days.index, dtype=object)
    phase[recent & (last_move_pp > 0)] = "hiking"
    phase[recent & (last_move_pp < 0)] = "cutting"
    phase[upper.isna() | past_upper.isna()] = None
    out["fed_target_last_move_date"] = last_move_date
    out["fed_target_last_move_pp"] = last_move_pp
    out["fed_cycle_phase"] = phase
    return out


def month(m: pd.Timestamp, back: int) -> pd.Timestamp:
    return m - pd.DateOffset(months=back)


def sahm_state(known: pd.Series, latest: pd.Timestamp) -> tuple:
    """From the months known (value by month), the Sahm figures for the latest month."""

    def average(m: pd.Timestamp) -> tuple[float, int]:
        values = [known[month(m, k)] for k in range(3) if month(m, k) in known.index]
        return (float(np.mean(values)) if len(values) >= 2 else np.nan), len(values)

    current, count = average(latest)
    prior = [average(month(latest, k))[0] for k in range(1, 13)]
    prior_min = np.nan if np.isnan(prior).any() else min(prior)
    return known[latest], current, count, prior_min, current - prior_min


def expected_sahm(days: pd.Series, observations: pd.DataFrame) -> dict[str, pd.Series]:
    unrate = series(observations, "UNRATE")
    releases = np.sort(unrate["published"].unique())
    state = pd.merge_asof(
        pd.DataFrame({"day": days}),
        pd.DataFrame({"release": as_datetime(releases)}),
        left_on="day",
        right_on="release",
    )["release"]
    figures = {}  # one computation per state of knowledge: the months published by a release
    for release in state.dropna().drop_duplicates():
        known = unrate[unrate["published"] <= release].set_index("date")["value"]
        figures[pd.Timestamp(release)] = sahm_state(known, known.index.max())
    nothing_known = (np.nan,) * 5
    columns = ["unrate_pct", "unrate_3m_avg_pct", "count", "prior_min", "sahm"]
    table = pd.DataFrame(
        [figures[pd.Timestamp(r)] if pd.notna(r) else nothing_known for r in state],
        columns=columns,
    )
    month_known = known_on(days, unrate)["latest"]
    sahm = table["sahm"]
    triggered = (sahm >= sahm_trigger_pp() - 1e-9).astype(object).where(sahm.notna(), None)
    return {
        "unrate_pct": table["unrate_pct"],
        "unrate_month_date": month_known,
        "unrate_3m_avg_pct": table["unrate_3m_avg_pct"],
        "unrate_3m_avg_month_count": table["count"],
        "unrate_3m_avg_prior_12m_min_pct": table["prior_min"],
        "sahm_indicator_pp": sahm,
        "sahm_triggered": triggered,
    }


def expected_cpi(days, observations, series_id: str, prefix: str) -> dict[str, pd.Series]:
    obs = series(observations, series_id)
    known = known_on(days, obs)
    year_ago = as_datetime(known["latest"] - pd.DateOffset(months=12))
    base = pd.DataFrame({"year_ago": year_ago}).merge(
        obs[["date", "value", "published"]], left_on="year_ago", right_on="date", how="left"
    )
    base_value = base["value"].where(base["published"] <= days)
    return {
        f"{prefix}_index": known["value"],
        f"{prefix}_month_date": known["latest"],
        f"{prefix}_yoy_pct": (known["value"] / base_value - 1) * 100,
    }


def expected_daily(days, observations) -> dict[str, pd.Series]:
    out = {}
    for series_id, name in [
        ("DFF", "dff"),
        ("DGS2", "dgs2"),
        ("DGS10", "dgs10"),
        ("BAMLH0A0HYM2", "hy_spread"),
    ]:
        known = known_on(days, series(observations, series_id))
        out[f"{name}_pct"] = known["value"]
        out[f"{name}_observation_date"] = known["latest"]
    out["slope_2s10s_pp"] = out["dgs10_pct"] - out["dgs2_pct"]
    out["slope_2s10s_bps"] = (out["dgs10_pct"] - out["dgs2_pct"]) * 100
    return out


@pytest.fixture(scope="module")
def expected(trading_days, observations) -> pd.DataFrame:
    columns = {"trading_date": trading_days}
    columns.update(expected_fed(trading_days, observations))
    columns.update(expected_daily(trading_days, observations))
    columns.update(expected_sahm(trading_days, observations))
    columns.update(expected_cpi(trading_days, observations, "CPIAUCSL", "cpi"))
    columns.update(expected_cpi(trading_days, observations, "CPILFESL", "core_cpi"))
    return pd.DataFrame({k: pd.Series(v).reset_index(drop=True) for k, v in columns.items()})


def test_one_row_per_trading_day(mart, trading_days):
    assert mart["trading_date"].is_unique
    np.testing.assert_array_equal(
        as_datetime(mart["trading_date"]).to_numpy(), trading_days.to_numpy()
    )


def test_every_column_is_checked(mart, expected):
    assert set(mart.columns) == set(expected.columns)


LABEL_COLUMNS = ["fed_cycle_phase", "fed_target_is_range", "sahm_triggered"]


def date_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.endswith("_date")]


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in date_columns(frame) + LABEL_COLUMNS]


def test_numeric_columns_match_pandas(mart, expected):
    assert len(mart) == len(expected)
    for column in numeric_columns(expected):
        np.testing.assert_allclose(
            mart[column].astype(float).to_numpy(),
            expected[column].astype(float).to_numpy(),
            equal_nan=True,
            err_msg=column,
            **TOLERANCE,
        )


def test_date_columns_match_pandas(mart, expected):
    assert len(mart) == len(expected)
    for column in date_columns(expected):
        np.testing.assert_array_equal(
            as_datetime(mart[column]).to_numpy(),
            as_datetime(expected[column]).to_numpy(),
            err_msg=column,
        )


def test_labels_and_flags_match_pandas(mart, expected):
    assert len(mart) == len(expected)
    for column in LABEL_COLUMNS:
        got = [None if pd.isna(v) else v for v in mart[column].astype(object)]
        want = [None if pd.isna(v) else v for v in expected[column].astype(object)]
        differing = [i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b]
        assert not differing, f"{column}: rows {differing[:5]} differ"


def test_sample_shows_the_missing_october(mart):
    """October 2025 unemployment was never published: November's average skips it."""
    november = mart[mart["unrate_month_date"] == pd.Timestamp("2025-11-01")]
    assert not november.empty
    assert (november["unrate_3m_avg_month_count"] == 2).all()
    assert not (mart["unrate_month_date"] == pd.Timestamp("2025-10-01")).any()
