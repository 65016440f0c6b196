"""The look-ahead detector: a scorecard input known after its row's day stops the build, and a
signal that peeks one day ahead is what the backtest would flatter.

Each input of rpt_rotation_scorecard carries the day it became known (`<signal>_known_date`),
and int_scorecard_outcomes the day its signal's input did (`signal_known_date`); dbt's
`known_by` test fails when any is after the row's day, so the models downstream (the backtest
marts) are not built.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from support.constituent_market import run_dbt
from support.scorecard_market import BACKTEST, market, read_marts, write_inputs

DAYS = pd.bdate_range("2010-01-04", periods=1500)


def test_an_input_published_the_day_after_stops_the_scorecard(warehouse_copy, tmp_path):
    """The sample's last day given a core CPI whose release was the next day: the scorecard's
    known_by test fails on that row alone, so nothing downstream is built from it."""
    run_dbt(warehouse_copy, tmp_path, "build", "--select", "rpt_rotation_scorecard")
    with duckdb.connect(str(warehouse_copy)) as con:
        last = con.sql("select max(scorecard_date) from marts.rpt_rotation_scorecard").fetchall()
        con.execute(
            "update marts.fct_macro_daily set core_cpi_known_from_date = trading_date + 1"
            " where trading_date = ?",
            [last[0][0]],
        )
    out = run_dbt(
        warehouse_copy, tmp_path, "build", "--select", "rpt_rotation_scorecard", succeeds=False
    )
    failed = [line for line in out.splitlines() if " FAIL " in line]
    assert len(failed) == 1 and "known_by_rpt_rotation_scorecard" in failed[0], out[-3000:]
    assert "Got 2 results" in out  # inflation_risk_known_date and inputs_known_date of that day


@pytest.fixture(scope="module")
def peeking(tmp_path_factory):
    """A scorecard with two signals: flows, the sign of the day's own one-day spread (known at
    its close), and breadth, the same signal shifted one day into the future (the next day's
    sign, known only at the next close). dbt's build of the backtest, then its models alone."""
    work = tmp_path_factory.mktemp("scorecard_leak")
    rng = np.random.default_rng(11)
    frame = market(DAYS, rng.normal(0, 0.012, len(DAYS)), rng.normal(0, 0.009, len(DAYS)))
    today = np.sign(frame["small"].pct_change() - frame["large"].pct_change())
    card = pd.DataFrame({"scorecard_date": frame["rotation_date"]})
    for name in ("momentum", "valuation", "rates", "labour_market_risk", "inflation_risk"):
        card[f"{name}_signal"] = 0
    card["flows_signal"] = today
    card["breadth_signal"] = today.shift(-1)
    card["breadth_known_date"] = card["scorecard_date"].shift(-1)
    card["inputs_known_date"] = card["breadth_known_date"].fillna(card["scorecard_date"])
    card["composite_score"] = card["flows_signal"].fillna(0) + card["breadth_signal"].fillna(0)
    card["composite_label"] = "mixed"
    path = work / "rotation.duckdb"
    write_inputs(path, frame, card)
    refused = run_dbt(path, work, "build", *BACKTEST, succeeds=False)
    with duckdb.connect(str(path), read_only=True) as con:
        built = con.sql("select table_name from information_schema.tables").df()["table_name"]
    run_dbt(path, work, "run", "--select", "int_scorecard_outcomes+")
    return {"refused": refused, "built": set(built), **read_marts(path)}


def test_a_signal_shifted_into_the_future_is_refused(peeking):
    out = peeking["refused"]
    failed = [line for line in out.splitlines() if " FAIL " in line]
    assert len(failed) == 1 and "known_by_int_scorecard_outcomes" in failed[0], out[-3000:]
    # breadth's rows: every day but the last (no next day) whose window is complete, 1500 - H
    # of them at each horizon; the composite's side and score as many (their inputs include it)
    assert "FAIL 16614" in failed[0]  # 3 * (1479 + 1437 + 1374 + 1248)
    assert {"rpt_scorecard_backtest", "rpt_scorecard_ic"}.isdisjoint(peeking["built"])


def test_a_signal_shifted_into_the_future_jumps_in_ic_and_hit_rate(peeking):
    """The next day's move is 1 of the 21 in the forward window: a sign of one normal move of
    21 correlates with their sum at sqrt(2 / pi) / sqrt(21) = 0.174 (ranks: about 0.17), and is
    right with probability 1/2 + asin(1 / sqrt(21)) / pi = 0.570. The real signal, the day's
    own move, is outside the window: IC about 0 (+-0.026 on 1,479 days), right half the time."""
    ic = peeking["ic"]
    ic = ic[(ic["horizon_days"] == 21) & (ic["period"] == "all")].set_index("signal_name")["ic"]
    assert ic["breadth"] == pytest.approx(0.17, abs=0.06)
    assert abs(ic["flows"]) < 0.06
    mart = peeking["backtest"]
    sides = (
        mart[(mart["horizon_days"] == 21) & (mart["period"] == "all") & (mart["signal_value"] != 0)]
        .groupby("signal_name")[["hit_count", "day_count"]]
        .sum()
    )
    hit_rate = sides["hit_count"] / sides["day_count"]
    assert hit_rate["breadth"] == pytest.approx(0.570, abs=0.03)
    assert hit_rate["flows"] == pytest.approx(0.5, abs=0.03)
