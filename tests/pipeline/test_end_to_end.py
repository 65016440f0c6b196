"""End to end: materialize everything on the sample source into a temporary DuckDB file, then
check the marts against an independent pandas computation of the same figures.

The pandas side (support/rotation_twin.py) reads only raw.prices and the pairs seed, and computes
every figure its own way (groupby year-ends, sliding windows in numpy), so a shared mistake is
unlikely.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from support.rotation_twin import expected_rotation, expected_ytd

from dagster_project import reference, warehouse
from dagster_project.definitions import build_definitions
from dagster_project.resources import WarehouseResource, build_resources

TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}


def materialize_all(resources: dict):
    job = build_definitions(resources).resolve_implicit_global_asset_job_def()
    return job.execute_in_process(raise_on_error=False)


def snapshot(path, query: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(query).df()


@pytest.fixture(scope="module")
def warehouse_path(sample_warehouse):
    return sample_warehouse


@pytest.fixture(scope="module")
def raw_prices(warehouse_path) -> pd.DataFrame:
    """The instruments' raw prices (the marts of prices leave index members out)."""
    frame = snapshot(warehouse_path, "select symbol, date, close, adj_close from raw.prices")
    frame = frame[frame["symbol"].isin(reference.symbols())]
    frame["px"] = frame["adj_close"].fillna(frame["close"])  # adj_close where present
    return frame.sort_values(["symbol", "date"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def rotation(warehouse_path) -> pd.DataFrame:
    return snapshot(
        warehouse_path, "select * from marts.fct_rotation_daily order by pair_id, rotation_date"
    )


def test_rotation_mart_matches_an_independent_pandas_computation(rotation, raw_prices):
    expected = expected_rotation(raw_prices).sort_values(["pair_id", "rotation_date"])
    assert len(rotation) == len(expected)
    assert rotation["pair_id"].tolist() == expected["pair_id"].tolist()
    assert (rotation["rotation_date"].to_numpy() == expected["rotation_date"].to_numpy()).all()
    numeric = [c for c in expected.columns if c not in ("pair_id", "rotation_date", "regime")]
    for column in numeric:
        got = rotation[column].to_numpy(dtype=float)
        want = expected[column].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=column)
        np.testing.assert_allclose(got, want, **TOLERANCE, err_msg=column)
    assert rotation["regime"].fillna("-").tolist() == expected["regime"].fillna("-").tolist()


def test_rotation_covers_every_pair_with_real_figures(rotation):
    assert set(rotation["pair_id"]) == set(reference.pairs()["pair_id"])
    latest = rotation.groupby("pair_id").tail(1)
    assert (
        latest[["ratio", "spread_10d_bps", "spread_252d_bps", "spread_ytd_bps"]].notna().all().all()
    )
    assert latest["spread_10d_zscore"].notna().all()


def test_prices_mart_returns_match_pandas(warehouse_path, raw_prices):
    mart = snapshot(
        warehouse_path,
        "select symbol, price_date, ret_1d, ret_ytd, tr_index, drawdown"
        " from marts.fct_prices_daily order by symbol, price_date",
    )
    assert len(mart) == len(raw_prices)
    grouped = raw_prices.groupby("symbol")["px"]
    want = {
        "ret_1d": grouped.pct_change().to_numpy(),
        "ret_ytd": expected_ytd(raw_prices).to_numpy(),
        "tr_index": (raw_prices["px"] / grouped.transform("first") * 100).to_numpy(),
        "drawdown": (raw_prices["px"] / grouped.cummax() - 1).to_numpy(),
    }
    for column, values in want.items():
        got = mart[column].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(values), err_msg=column)
        np.testing.assert_allclose(got, values, **TOLERANCE, err_msg=column)


def test_a_second_run_changes_no_rows(warehouse_path):
    tables = [
        "raw.prices",
        "raw.etf_shares",
        "raw.macro_observations",
        "raw.valuations",
        "raw.constituents",
        "marts.fct_prices_daily",
        "marts.fct_rotation_daily",
    ]
    checksum = "select count(*), sum(hash(t)) from {} t"
    before = {t: snapshot(warehouse_path, checksum.format(t)).iloc[0].tolist() for t in tables}
    assert materialize_all(build_resources(WarehouseResource(path=str(warehouse_path)))).success
    after = {t: snapshot(warehouse_path, checksum.format(t)).iloc[0].tolist() for t in tables}
    assert after == before
    last_loads = snapshot(
        warehouse_path,
        "select table_name, rows_inserted, rows_updated, rows_received from raw.load_log"
        " qualify row_number() over (partition by table_name order by started_at desc) = 1",
    )
    assert len(last_loads) == len(warehouse.RAW_TABLES)
    assert (last_loads["rows_inserted"] == 0).all() and (last_loads["rows_updated"] == 0).all()
    assert (last_loads["rows_received"] > 0).all()
