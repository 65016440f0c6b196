"""fct_macro_daily against an independent pandas computation on the sample warehouse.

The pandas side reads only the trading days (NYSE days through the latest day loaded,
calendar_twin) and raw.macro_observations (every vintage of every observation), and recomputes
every column of the mart for every trading day its own way: what was known on a day is, for
each observation, its vintage with the latest realtime_start on or before the day
(`pd.merge_asof`), and the latest observation known is the latest one first published by then;
calendar months with `pd.DateOffset`, and the Sahm rule month by month in Python for each state
of knowledge (each distinct vintage date), never by shifting rows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from support.calendar_twin import expected_calendar

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
    """Every vintage: series_id, date, realtime_start, value, realtime_kind."""
    frame = snapshot(
        sample_warehouse,
        "select series_id, date, realtime_start, value, realtime_kind from raw.macro_observations",
    )
    frame["date"] = as_datetime(frame["date"])
    frame["realtime_start"] = as_datetime(frame["realtime_start"])
    return frame


def series(observations: pd.DataFrame, series_id: str) -> pd.DataFrame:
    return observations[observations["series_id"] == series_id].reset_index(drop=True)


def as_known(obs: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Value by observation date, each at its latest vintage published on or before ``day``."""
    known = obs[obs["realtime_start"] <= day].sort_values("realtime_start")
    return known.groupby("date")["value"].last()


def revised(obs: pd.DataFrame) -> pd.Series:
    """Value by observation date at its latest vintage."""
    return obs.sort_values("realtime_start").groupby("date")["value"].last()


def known_on(days: pd.Series, obs: pd.DataFrame) -> pd.DataFrame:
    """Per trading day: the latest observation date among those first published by the day,
    its value, known-from date and kind at its latest vintage published by the day, and its
    latest value."""
    first = obs.groupby("date", as_index=False)["realtime_start"].min()
    first = first.sort_values(["realtime_start", "date"])
    first["latest"] = first["date"].cummax()  # the newest observation known after each release
    steps = first.groupby("realtime_start", as_index=False)["latest"].max()
    known = pd.merge_asof(
        pd.DataFrame({"day": days}), steps, left_on="day", right_on="realtime_start"
    )[["day", "latest"]]
    found = known.dropna(subset=["latest"]).rename(columns={"latest": "date"})
    in_force = pd.merge_asof(
        found.sort_values("day"),
        obs.sort_values("realtime_start")[["date", "realtime_start", "value", "realtime_kind"]],
        left_on="day",
        right_on="realtime_start",
        by="date",
    )
    known = known.merge(in_force, on="day", how="left")
    known["revised"] = known["latest"].map(revised(obs))
    return known.rename(columns={"realtime_start": "known_from", "realtime_kind": "kind"})


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
        "fed_target_known_from_date": upper_range["known_from"].where(
            is_range, single["known_from"]
        ),
        "fed_target_known_from_kind": upper_range["kind"].where(is_range, single["kind"]),
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
    releases = np.sort(unrate["realtime_start"].unique())
    state = pd.merge_asof(
        pd.DataFrame({"day": days}),
        pd.DataFrame({"release": as_datetime(releases)}),
        left_on="day",
        right_on="release",
    )["release"]
    latest_values = revised(unrate)
    figures = {}  # one computation per state of knowledge: the vintages published by a day
    for release in state.dropna().drop_duplicates():
        known = as_known(unrate, release)
        month_known = known.index.max()
        revised_state = sahm_state(latest_values, month_known)
        figures[pd.Timestamp(release)] = (
            *sahm_state(known, month_known),
            revised_state[0],
            revised_state[4],
        )
    nothing_known = (np.nan,) * 7
    columns = ["unrate_pct", "unrate_3m_avg_pct", "count", "prior_min", "sahm", "rev", "rev_sahm"]
    table = pd.DataFrame(
        [figures[pd.Timestamp(r)] if pd.notna(r) else nothing_known for r in state],
        columns=columns,
    )
    known = known_on(days, unrate)
    threshold = sahm_trigger_pp() - 1e-9

    def triggered(values: pd.Series) -> pd.Series:
        return (values >= threshold).astype(object).where(values.notna(), None)

    return {
        "unrate_pct": table["unrate_pct"],
        "unrate_month_date": known["latest"],
        "unrate_3m_avg_pct": table["unrate_3m_avg_pct"],
        "unrate_3m_avg_month_count": table["count"],
        "unrate_3m_avg_prior_12m_min_pct": table["prior_min"],
        "sahm_indicator_pp": table["sahm"],
        "sahm_triggered": triggered(table["sahm"]),
        "unrate_known_from_date": known["known_from"],
        "unrate_known_from_kind": known["kind"],
        "unrate_revised_pct": table["rev"],
        "sahm_indicator_revised_pp": table["rev_sahm"],
        "sahm_triggered_revised": triggered(table["rev_sahm"]),
    }


def expected_cpi(days, observations, series_id: str, prefix: str) -> dict[str, pd.Series]:
    obs = series(observations, series_id)
    known = known_on(days, obs)
    year_ago = as_datetime(known["latest"] - pd.DateOffset(months=12))
    asked = pd.DataFrame({"row": range(len(days)), "day": days, "date": year_ago}).dropna()
    base = pd.merge_asof(  # the year-ago month's vintage in force on each day
        asked.sort_values("day"),
        obs.sort_values("realtime_start")[["date", "realtime_start", "value"]],
        left_on="day",
        right_on="realtime_start",
        by="date",
    )
    base_value = base.set_index("row")["value"].reindex(range(len(days)))
    return {
        f"{prefix}_index": known["value"],
        f"{prefix}_month_date": known["latest"],
        f"{prefix}_yoy_pct": (known["value"] / base_value - 1) * 100,
        f"{prefix}_known_from_date": known["known_from"],
        f"{prefix}_known_from_kind": known["kind"],
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
        out[f"{name}_known_from_date"] = known["known_from"]
        out[f"{name}_known_from_kind"] = known["kind"]
    fred_sahm = known_on(days, series(observations, "SAHMREALTIME"))
    out["sahm_realtime_fred_pp"] = fred_sahm["value"]
    out["sahm_realtime_fred_month_date"] = fred_sahm["latest"]
    out["sahm_realtime_fred_known_from_date"] = fred_sahm["known_from"]
    out["sahm_realtime_fred_known_from_kind"] = fred_sahm["kind"]
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


LABEL_COLUMNS = [
    "fed_cycle_phase",
    "fed_target_is_range",
    "sahm_triggered",
    "sahm_triggered_revised",
]


def kind_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.endswith("_kind")]


def date_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.endswith("_date")]


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    labels = LABEL_COLUMNS + kind_columns(frame)
    return [c for c in frame.columns if c not in date_columns(frame) + labels]


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
    for column in LABEL_COLUMNS + kind_columns(expected):
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


def test_the_oracle_catches_a_value_used_one_day_before_its_release(
    mart, trading_days, observations
):
    """A deliberately early vintage: the latest first print of the unemployment rate, as if
    known one trading day before its release. Marts that used it that early would differ from
    the oracle on exactly that day: the comparison above would fail."""
    unrate = series(observations, "UNRATE")
    first_prints = unrate.groupby("date")["realtime_start"].min()
    release = first_prints[first_prints < trading_days.iloc[-1]].max()
    day_before = trading_days[trading_days < release].iloc[-1]
    early = observations.copy()
    moved = (early["series_id"] == "UNRATE") & (early["realtime_start"] == release)
    early.loc[moved, "realtime_start"] = day_before
    leaked = pd.DataFrame(expected_sahm(trading_days, early))
    got, want = as_datetime(mart["unrate_month_date"]), as_datetime(leaked["unrate_month_date"])
    differs = (got != want) & ~(got.isna() & want.isna())
    assert list(trading_days[differs.to_numpy()]) == [day_before]


def test_a_vintage_known_before_its_month_ended_stops_the_macro_marts(warehouse_copy, tmp_path):
    """UNRATE of a month 'published' on the 15th of that month: the dbt test on the vintages
    fails, and the marts reading them are not rebuilt (readers keep what they had)."""
    query = "select count(*), sum(hash(m)) from marts.fct_macro_daily m"
    before = snapshot(warehouse_copy, query)
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            "insert into raw.macro_observations select 'UNRATE', max(date), max(date) + 14, 9.9,"
            " 'vintage', 'test', now() from raw.macro_observations where series_id = 'UNRATE'"
        )
    dbt = Path(sys.executable).with_name("dbt")
    project = str(reference.PROJECT_ROOT / "dbt_models")
    command = [str(dbt), "build", "--select", "int_macro_vintages+", "--project-dir", project]
    command += ["--profiles-dir", project, "--target-path", str(tmp_path / "target")]
    command += ["--log-path", str(tmp_path / "logs"), "--exclude-resource-type", "unit_test"]
    command += ["--vars", json.dumps({"warehouse_path": str(warehouse_copy)})]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert done.returncode != 0
    assert "FAIL 1 assert_no_vintage_before_its_period_ends" in done.stdout
    after = snapshot(warehouse_copy, query)
    pd.testing.assert_frame_equal(after, before)
