"""The pandas peer of marts_vs_peers.py: the rotation, breadth and concentration marts computed
in pandas by the tests' independent twins (tests/support/rotation_twin.py and breadth_twin.py),
from raw.prices and raw.constituents read out of DuckDB.

The twins compute each figure from its definition, apart from the SQL; they are the pandas an
analyst would write, checked against the marts by the test suite.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
from build_times import ROOT

sys.path.insert(0, str(ROOT / "tests"))  # the tests' support package
from support.breadth_twin import (  # noqa: E402
    breadth_from_members,
    concentration_from_members,
    daily_members,
)
from support.rotation_twin import expected_rotation  # noqa: E402

from dagster_project import reference  # noqa: E402


def read_inputs(warehouse: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        prices = con.sql("select symbol, date, close, adj_close from raw.prices").df()
        constituents = con.sql("select fund, date, symbol, weight from raw.constituents").df()
    return {"prices": prices, "constituents": constituents}


def pandas_marts(inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The three marts from the raw frames (popped: freed as soon as they are used)."""
    prices, constituents = inputs.pop("prices"), inputs.pop("constituents")
    instruments = prices[prices["symbol"].isin(reference.symbols())]
    instruments = instruments.assign(px=instruments["adj_close"].fillna(instruments["close"]))
    rotation = expected_rotation(instruments.sort_values(["symbol", "date"]), with_legs=True)
    members = daily_members(prices, constituents)
    funds = sorted(constituents["fund"].unique())
    return {
        "fct_rotation_daily": rotation,
        "fct_breadth_daily": breadth_from_members(members, prices, funds),
        "fct_concentration_daily": concentration_from_members(members, prices),
    }


def run_pandas(warehouse: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Seconds (in all, reading, computing) and the marts."""
    start = time.perf_counter()
    inputs = read_inputs(warehouse)
    read = time.perf_counter() - start
    marts = pandas_marts(inputs)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "read_seconds": read, "compute_seconds": seconds - read}, marts
