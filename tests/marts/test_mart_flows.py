"""fct_etf_flows_daily and fct_etf_flows_segment_daily against an independent pandas
computation on the sample warehouse.

The pandas side reads raw.etf_shares, the instruments seed and the trading calendar (NYSE
days through the latest day loaded, worked out apart: calendar_twin). It numbers the trading
days, keeps a flow only where the previous row is the previous trading day, sums windows with
numpy sliding windows and YTD with groupby/cumsum. Every column and row is compared.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from support.calendar_twin import expected_calendar

from dagster_project import reference

TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}
ROLLING_DAYS = (5, 21)
SEGMENTS = ("small", "large")


def snapshot(path: Path, query: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(query).df()


def strict_rolling_sum(values: np.ndarray, width: int) -> np.ndarray:
    """Sum of values[i-width+1 .. i]; NaN unless all of them are present."""
    padded = np.concatenate([np.full(width - 1, np.nan), values])
    windows = sliding_window_view(padded, width)
    return np.where(np.isnan(windows).any(axis=1), np.nan, np.nansum(windows, axis=1))


def ytd_sum(values: pd.Series, dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Running sum of the non-NaN values within each calendar year, and their count."""
    year = pd.to_datetime(dates).dt.year.to_numpy()
    total = values.fillna(0).groupby(year).cumsum().to_numpy()
    count = values.notna().astype(int).groupby(year).cumsum().to_numpy()
    return np.where(count > 0, total, np.nan), count


def assert_columns_match(mart: pd.DataFrame, expected: pd.DataFrame, columns: list[str]):
    for column in columns:
        np.testing.assert_allclose(
            mart[column].astype(float).to_numpy(),
            expected[column].astype(float).to_numpy(),
            err_msg=column,
            **TOLERANCE,
        )


@pytest.fixture(scope="module")
def calendar(sample_warehouse) -> pd.Series:
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        days = expected_calendar(con)
    return pd.Series(np.arange(1, len(days) + 1), index=days)  # date -> trading-day number


@pytest.fixture(scope="module")
def expected_daily(sample_warehouse, calendar) -> pd.DataFrame:
    shares = snapshot(
        sample_warehouse,
        "select symbol, date as share_date, shares_outstanding, nav as nav_usd,"
        " total_net_assets as total_net_assets_usd from raw.etf_shares",
    )
    shares["share_date"] = pd.to_datetime(shares["share_date"])
    segments = reference.instruments().set_index("symbol")["segment"]
    shares["segment"] = shares["symbol"].map(segments)
    shares["day"] = shares["share_date"].map(calendar)
    shares["is_trading_day"] = shares["day"].notna().astype(float)

    parts = []
    for _, etf in shares.sort_values(["symbol", "share_date"]).groupby("symbol", sort=False):
        trading = etf[etf["day"].notna()].copy()
        consecutive = (trading["day"] - trading["day"].shift(1)) == 1
        assets = trading["total_net_assets_usd"].fillna(
            trading["shares_outstanding"] * trading["nav_usd"]
        )
        trading["previous_shares_outstanding"] = (
            trading["shares_outstanding"].shift(1).where(consecutive)
        )
        trading["previous_total_net_assets_usd"] = assets.shift(1).where(consecutive)
        trading["flow_usd"] = (
            trading["shares_outstanding"] - trading["previous_shares_outstanding"]
        ) * trading["nav_usd"]
        previous_assets = trading["previous_total_net_assets_usd"].replace(0, np.nan)
        trading["flow_pct_of_assets"] = trading["flow_usd"] / previous_assets * 100
        flows = trading["flow_usd"].to_numpy(dtype=float)
        for n in ROLLING_DAYS:
            trading[f"flow_{n}d_usd"] = strict_rolling_sum(flows, n)
        trading["flow_ytd_usd"], trading["flow_ytd_days"] = ytd_sum(
            trading["flow_usd"], trading["share_date"]
        )
        computed = trading.columns.difference(etf.columns)
        etf = etf.join(trading[computed])  # non-trading rows: NaN
        etf["flow_ytd_days"] = etf["flow_ytd_days"].fillna(0)
        parts.append(etf)
    return pd.concat(parts).sort_values(["symbol", "share_date"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def expected_segments(expected_daily, calendar) -> pd.DataFrame:
    flows = expected_daily[expected_daily["segment"].isin(SEGMENTS)]
    days = calendar.index[
        (calendar.index >= flows["share_date"].min())
        & (calendar.index <= flows["share_date"].max())
    ]
    frame = pd.DataFrame({"flow_date": days})
    for segment in SEGMENTS:
        rows = flows[(flows["segment"] == segment) & flows["flow_usd"].notna()]
        by_day = rows.groupby("share_date")
        count = by_day["flow_usd"].count().reindex(days, fill_value=0)
        total = by_day["flow_usd"].sum().reindex(days)  # NaN on days without a flow
        assets = by_day["previous_total_net_assets_usd"].sum(min_count=1).reindex(days)
        assets_complete = by_day["previous_total_net_assets_usd"].count().reindex(days) == count
        frame[f"{segment}_etf_count"] = count.to_numpy()
        frame[f"{segment}_flow_usd"] = total.to_numpy()
        pct = (total / assets.replace(0, np.nan) * 100).where(assets_complete).to_numpy()
        frame[f"{segment}_flow_pct_of_assets"] = pct
        for n in ROLLING_DAYS:
            frame[f"{segment}_flow_{n}d_usd"] = strict_rolling_sum(total.to_numpy(dtype=float), n)
            frame[f"{segment}_flow_{n}d_pct_of_assets"] = strict_rolling_sum(pct.astype(float), n)
        frame[f"{segment}_flow_ytd_usd"], _ = ytd_sum(
            total.reset_index(drop=True), frame["flow_date"]
        )
    for suffix in ["flow_usd", *[f"flow_{n}d_usd" for n in ROLLING_DAYS], "flow_ytd_usd"]:
        frame[f"small_minus_large_{suffix}"] = frame[f"small_{suffix}"] - frame[f"large_{suffix}"]
    for n in ROLLING_DAYS:
        frame[f"small_minus_large_flow_{n}d_pp"] = (
            frame[f"small_flow_{n}d_pct_of_assets"] - frame[f"large_flow_{n}d_pct_of_assets"]
        )
    return frame


@pytest.fixture(scope="module")
def mart_daily(sample_warehouse) -> pd.DataFrame:
    return snapshot(
        sample_warehouse, "select * from marts.fct_etf_flows_daily order by symbol, share_date"
    )


@pytest.fixture(scope="module")
def mart_segments(sample_warehouse) -> pd.DataFrame:
    return snapshot(
        sample_warehouse, "select * from marts.fct_etf_flows_segment_daily order by flow_date"
    )


def test_daily_rows_match(mart_daily, expected_daily):
    assert len(mart_daily) == len(expected_daily)
    assert not mart_daily.duplicated(["symbol", "share_date"]).any()
    assert mart_daily["symbol"].tolist() == expected_daily["symbol"].tolist()
    np.testing.assert_array_equal(
        pd.to_datetime(mart_daily["share_date"]).to_numpy(), expected_daily["share_date"].to_numpy()
    )
    assert mart_daily["segment"].tolist() == expected_daily["segment"].tolist()


def test_daily_every_column_matches_pandas(mart_daily, expected_daily):
    numeric = [c for c in mart_daily.columns if c not in ("symbol", "share_date", "segment")]
    assert set(numeric) <= set(expected_daily.columns)
    assert_columns_match(mart_daily, expected_daily, numeric)
    assert mart_daily["flow_usd"].notna().sum() > 30_000  # the sample has flows to check


def test_segment_rows_and_every_column_match_pandas(mart_segments, expected_segments):
    assert set(mart_segments.columns) == set(expected_segments.columns)
    np.testing.assert_array_equal(
        pd.to_datetime(mart_segments["flow_date"]).to_numpy(),
        expected_segments["flow_date"].to_numpy(),
    )
    numeric = [c for c in mart_segments.columns if c != "flow_date"]
    assert_columns_match(mart_segments, expected_segments, numeric)
