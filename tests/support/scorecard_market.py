"""Hand-made inputs of the scorecard backtest, in a warehouse of their own: a pair's prices
(marts.fct_rotation_daily) and a scorecard (marts.rpt_rotation_scorecard), from which dbt
builds int_scorecard_outcomes and the backtest marts (tests/marts/test_mart_scorecard_backtest.py
and test_scorecard_leak.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

SIGNALS = (
    "momentum",
    "valuation",
    "flows",
    "rates",
    "labour_market_risk",
    "inflation_risk",
    "breadth",
)
KNOWN = [f"{name}_known_date" for name in SIGNALS] + ["inputs_known_date"]
# dbt's selection: the outcomes, the three marts and their data tests
BACKTEST = ("--select", "int_scorecard_outcomes+", "--exclude-resource-type", "unit_test")


def market(days: pd.DatetimeIndex, small_log: np.ndarray, large_log: np.ndarray) -> pd.DataFrame:
    """Closes from daily log moves (small from 100, large from 200) and the 63-day spread (bps)."""
    frame = pd.DataFrame({"rotation_date": days})
    frame["small"] = 100 * np.exp(np.cumsum(small_log))
    frame["large"] = 200 * np.exp(np.cumsum(large_log))
    frame["spread_63d_bps"] = (frame["small"].pct_change(63) - frame["large"].pct_change(63)) * 1e4
    return frame


def forward_spread(frame: pd.DataFrame, h: int) -> pd.Series:
    """The spread from each day's close to the close h rows later (bps)."""
    small = frame["small"].shift(-h) / frame["small"] - 1
    large = frame["large"].shift(-h) / frame["large"] - 1
    return (small - large) * 1e4


def write_inputs(path: Path, frame: pd.DataFrame, card: pd.DataFrame) -> None:
    """A warehouse at ``path`` holding ``frame``'s prices and the scorecard ``card``; each
    signal's input known on its own day where ``card`` does not say when."""
    card = card.copy()
    for column in KNOWN:
        if column not in card:
            card[column] = card["scorecard_date"]
    rotation = frame.rename(columns={"small": "small_return_price", "large": "large_return_price"})
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.register("rotation_frame", rotation.assign(pair_id="rut_spx"))
        con.register("card_frame", card.assign(pair_id="rut_spx"))
        con.execute("create table marts.fct_rotation_daily as select * from rotation_frame")
        con.execute("create table marts.rpt_rotation_scorecard as select * from card_frame")


def read_marts(path: Path) -> dict[str, pd.DataFrame]:
    """The three backtest marts of the warehouse ``path``: backtest, ic, rolling."""
    names = {
        "backtest": "rpt_scorecard_backtest",
        "ic": "rpt_scorecard_ic",
        "rolling": "rpt_scorecard_ic_rolling",
    }
    with duckdb.connect(str(path), read_only=True) as con:
        return {key: con.sql(f"select * from marts.{name}").df() for key, name in names.items()}
