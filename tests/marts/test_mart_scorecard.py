"""rpt_rotation_scorecard against a pandas computation of its rules from the marts it joins.

The input marts are checked against raw data by their own tests; this one checks the days (every
trading day of the calendar, worked out apart in calendar_twin, from the pair's first common
day), the joins (the valuation of the last complete month, same-day flows, macro and breadth of
the small leg or a fund tracking it), every signal rule, and why the momentum is missing (from
the legs' rows in raw.prices).
"""

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from support.calendar_twin import expected_calendar

from dagster_project import reference
from dagster_project.resources import DBT_PROJECT_DIR

VARS = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


def sign(values: pd.Series) -> pd.Series:
    return np.sign(values).where(values.notna())


def small_leg_breadth(con: duckdb.DuckDBPyConnection, pair: str) -> pd.DataFrame:
    """Each day's breadth of the pair's small leg, else of a fund tracking it (instruments)."""
    small = reference.pairs().set_index("pair_id").loc[pair, "small_symbol"]
    instruments = reference.instruments()
    trackers = set(instruments.loc[instruments["tracks"] == small, "symbol"])
    breadth = con.execute(
        "select fund, breadth_date, above_ma_200_frac, participation_63d_bps"
        " from marts.fct_breadth_daily"
    ).df()
    breadth = breadth[(breadth["fund"] == small) | breadth["fund"].isin(trackers)]
    breadth = breadth.assign(priority=(breadth["fund"] != small).astype(int))
    breadth = breadth.sort_values(["breadth_date", "priority", "fund"])
    return breadth.drop_duplicates("breadth_date").rename(
        columns={
            "fund": "breadth_fund",
            "above_ma_200_frac": "breadth_above_ma_200_frac",
            "participation_63d_bps": "breadth_participation_63d_bps",
        }
    )


def missing_reasons(con: duckdb.DuckDBPyConnection, pair: str, frame: pd.DataFrame) -> pd.Series:
    """Why each day of ``frame`` (scorecard_date, regime, has_row) has no momentum: each leg
    without a price that day, with its last price before; else no regime yet."""
    legs = reference.pairs().set_index("pair_id").loc[pair, ["small_symbol", "large_symbol"]]
    day = frame["scorecard_date"].to_numpy()
    parts = []
    for leg in legs:
        dates = np.sort(
            con.execute("select date from raw.prices where symbol = ?", [leg]).df()["date"]
        )
        dates = dates[np.isin(dates, day)].astype("datetime64[ns]")  # on the scorecard's days
        at = np.searchsorted(dates, day, side="right") - 1
        last = [str(dates[i])[:10] if i >= 0 else None for i in at]
        parts.append(
            pd.Series(
                [
                    None
                    if priced
                    else f"no price of {leg} that day ("
                    + (f"last price {previous}" if previous else "none before")
                    + ")"
                    for priced, previous in zip(np.isin(day, dates), last, strict=True)
                ],
                index=frame.index,
            )
        )
    legs_missing = pd.concat(parts, axis=1).apply(
        lambda row: "; ".join(text for text in row if text) or None, axis=1
    )
    reason = pd.Series(None, index=frame.index, dtype=object)
    reason[~frame["has_row"]] = legs_missing[~frame["has_row"]]
    no_regime = frame["has_row"] & frame["regime"].isna()
    reason[no_regime] = f"fewer than {VARS['rotation_ma_long_days']} common days of the pair"
    return reason


def scorecard_days(con: duckdb.DuckDBPyConnection, pair: str) -> pd.DataFrame:
    """Every calendar day from the pair's first common day on, whether the pair has a row or
    not, with its regime and why its momentum is missing."""
    rotation = con.execute(
        "select pair_id, rotation_date, regime from marts.fct_rotation_daily where pair_id = ?",
        [pair],
    ).df()
    days = expected_calendar(con)
    if len(rotation):
        days = days[days >= rotation["rotation_date"].min()]
    rotation = pd.DataFrame({"scorecard_date": days}).merge(
        rotation.assign(has_row=True),
        left_on="scorecard_date",
        right_on="rotation_date",
        how="left",
    )
    rotation["has_row"] = rotation["has_row"].astype("boolean").fillna(False).astype(bool)
    rotation["pair_id"] = pair
    rotation["momentum_missing_reason"] = missing_reasons(con, pair, rotation)
    return rotation.drop(columns="rotation_date")


def with_inputs(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, pair: str) -> pd.DataFrame:
    """The days joined with the valuation of the last complete month (the month before the
    day's month), the same day's flows and macro, and the small leg's breadth."""
    valuation = con.execute(
        "select month_start, discount_percentile_frac from marts.fct_valuation_monthly"
    ).df()
    flows = con.execute(
        "select flow_date, small_minus_large_flow_21d_usd, small_minus_large_flow_21d_pp"
        " from marts.fct_etf_flows_segment_daily"
    ).df()
    macro = con.execute(
        "select trading_date, fed_cycle_phase, sahm_triggered, core_cpi_yoy_pct"
        " from marts.fct_macro_daily"
    ).df()
    month = (frame["scorecard_date"].dt.to_period("M") - 1).dt.to_timestamp()
    frame = (
        frame.assign(valuation_month=month)
        .merge(valuation, left_on="valuation_month", right_on="month_start", how="left")
        .merge(flows, left_on="scorecard_date", right_on="flow_date", how="left")
    )
    frame = frame.merge(macro, left_on="scorecard_date", right_on="trading_date", how="left")
    return frame.merge(
        small_leg_breadth(con, pair), left_on="scorecard_date", right_on="breadth_date", how="left"
    )


def signals(frame: pd.DataFrame) -> pd.DataFrame:
    """Each signal by its rule from the joined inputs (NaN where an input is missing)."""
    pct = frame["discount_percentile_frac"]
    core = frame["core_cpi_yoy_pct"]
    above = frame["breadth_above_ma_200_frac"]
    participation = frame["breadth_participation_63d_bps"]
    out = pd.DataFrame(
        {
            "momentum_signal": frame["regime"].map(
                {"small_cap_leadership": 1, "large_cap_leadership": -1, "neutral": 0}
            ),
            "valuation_signal": np.select(
                [
                    pct <= VARS["scorecard_cheap_percentile"],
                    pct >= VARS["scorecard_rich_percentile"],
                ],
                [1, -1],
                0,
            ),
            "flows_signal": sign(frame["small_minus_large_flow_21d_pp"]),
            "rates_signal": frame["fed_cycle_phase"].map(
                {"cutting": 1, "hiking": -1, "holding": 0}
            ),
            "labour_market_risk_signal": -frame["sahm_triggered"].astype("float"),
            "inflation_risk_signal": np.select(
                [
                    core > VARS["scorecard_core_cpi_high_pct"],
                    core < VARS["scorecard_core_cpi_low_pct"],
                ],
                [-1, 1],
                0,
            ),
            "breadth_signal": np.select(
                [
                    (above >= VARS["scorecard_breadth_broad_frac"]) & (participation >= 0),
                    (above <= VARS["scorecard_breadth_narrow_frac"])
                    | (participation <= -VARS["scorecard_breadth_lag_bps"]),
                ],
                [1, -1],
                0,
            ),
        }
    ).astype(float)
    out.loc[pct.isna(), "valuation_signal"] = np.nan
    out.loc[core.isna(), "inflation_risk_signal"] = np.nan
    out.loc[above.isna() | participation.isna(), "breadth_signal"] = np.nan
    return out


def expected(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    pair = VARS["scorecard_pair"]
    frame = with_inputs(con, scorecard_days(con, pair), pair)
    rules = signals(frame)
    frame = pd.concat([frame, rules], axis=1)
    frame["composite_score"] = rules.fillna(0).sum(axis=1)
    frame["signals_available"] = rules.notna().sum(axis=1)
    threshold = VARS["scorecard_composite_threshold"]
    frame["composite_label"] = np.select(
        [frame["composite_score"] >= threshold, frame["composite_score"] <= -threshold],
        ["supports_small_caps", "supports_large_caps"],
        "mixed",
    )
    return frame.sort_values("scorecard_date").reset_index(drop=True)


@pytest.fixture(scope="module")
def marts(sample_warehouse):
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        mart = con.execute(
            "select * from marts.rpt_rotation_scorecard order by scorecard_date"
        ).df()
        return mart, expected(con)


def test_scorecard_matches_pandas(marts):
    mart, want = marts
    assert len(mart) == len(want)
    assert (mart["scorecard_date"].to_numpy() == want["scorecard_date"].to_numpy()).all()
    assert (mart["valuation_month"].to_numpy() == want["valuation_month"].to_numpy()).all()
    assert mart["breadth_fund"].fillna("").tolist() == want["breadth_fund"].fillna("").tolist()
    for column in [
        "momentum_signal",
        "valuation_signal",
        "flows_signal",
        "rates_signal",
        "labour_market_risk_signal",
        "inflation_risk_signal",
        "breadth_signal",
        "composite_score",
        "signals_available",
    ]:
        np.testing.assert_array_equal(
            mart[column].to_numpy(dtype=float), want[column].to_numpy(dtype=float), err_msg=column
        )
    assert mart["composite_label"].tolist() == want["composite_label"].tolist()
    assert (
        mart["momentum_missing_reason"].fillna("").tolist()
        == want["momentum_missing_reason"].fillna("").tolist()
    )


def test_flows_signal_is_for_size_not_usd(marts):
    mart, _ = marts
    usd = sign(mart["small_minus_large_flow_21d_usd"])
    known = mart["flows_signal"].notna()
    # the large-cap ETFs' size would drive the USD difference's sign on many days
    assert (mart.loc[known, "flows_signal"] != usd[known]).mean() > 0.05


def test_scorecard_has_every_signal_on_the_latest_day(marts):
    mart, _ = marts
    assert mart.iloc[-1]["signals_available"] == 7
