"""Plausibility against history, and the refusal of a load, on hand-made histories.

Each case stores a short history, stages a load through ``warehouse.upsert`` with the
plausibility check as its validation, and reads whether it was refused and why. The bounds are
the load_bounds seed's defaults (indexes and ETFs 25%, members +400% / -85%, slips within 15%,
macro jumps 10x); the numbers below are chosen against them by hand.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dagster_project import plausibility, warehouse
from dagster_project.plausibility import Provenance
from dagster_project.sources.base import LINE, ORIGIN

DAYS = pd.bdate_range("2026-01-05", periods=30)


def closes(symbol: str, values: list[float], days=DAYS, adj: list[float] | None = None):
    return pd.DataFrame(
        {
            "symbol": symbol,
            "date": days[: len(values)],
            "close": values,
            "adj_close": adj if adj is not None else values,
        }
    )


def check(table: str):
    provenance = Provenance(fallback="the test")
    return lambda con, t: plausibility.problems(con, t.name, provenance)


def load(con, frame: pd.DataFrame, table: str = "prices", **kwargs) -> list[str]:
    """The problems that refused the load (none: it was written)."""
    try:
        warehouse.upsert(con, table, frame, source="test", validate=check(table), **kwargs)
    except warehouse.LoadRefused as refused:
        return refused.problems
    return []


@pytest.fixture
def con():
    with duckdb.connect() as con:
        yield con


def flat(n: int = 20, level: float = 100.0) -> list[float]:
    """A quiet history: +-1% a day."""
    return [level * (1.01 if i % 2 else 1.0) for i in range(n)]


def test_an_index_move_beyond_25_percent_is_blocked_unless_its_history_has_made_one(con):
    assert load(con, closes("^RUT", flat())) == []
    nxt = DAYS[20:21]
    (problem,) = load(con, closes("^RUT", [130.0], nxt))  # +28.7% from 101
    assert "^RUT close 130 on 2026-02-02" in problem and "+28.7% from 101" in problem
    assert "index bound of 25%" in problem
    # a history that once rose 30% (stored as it was): a move as large is not beyond it
    warehouse.upsert(con, "prices", closes("^GSPC", [100.0, 130.0, 131.0]), source="test")
    assert load(con, closes("^GSPC", [170.0], DAYS[3:4])) == []  # +29.8% < the stored +30%
    assert len(load(con, closes("^GSPC", [224.0], DAYS[4:5]))) == 1  # +31.8%


def test_a_member_may_move_far_more_than_an_index(con):
    assert load(con, closes("ACME", flat())) == []
    assert load(con, closes("ACME", [350.0], DAYS[20:21])) == []  # +247%: a buy-out
    assert load(con, closes("BLUB", flat())) == []
    (problem,) = load(con, closes("BLUB", [14.0], DAYS[20:21]))  # -86.1% from 101
    assert "-86.1%" in problem and "member bound of 85%" in problem


def test_a_decimal_slip_between_neighbours_is_named_once(con):
    values = flat()
    values[10] *= 100  # 100 -> 10000 amid 101s
    (problem,) = load(con, closes("IWM", values))
    assert "IWM close 10000 on 2026-01-19 is about 100x both its neighbours" in problem
    assert "(101 on 2026-01-16, 101 on 2026-01-20)" in problem


def test_a_split_explains_a_move_of_an_etf_but_not_of_an_index(con):
    for symbol in ("IWM", "SPY", "RSP", "IJR", "^RUT"):
        assert load(con, closes(symbol, flat())) == []  # each ends at 101 on DAYS[19]
    nxt = DAYS[20:21]
    # 3-for-1 as Yahoo writes it: Close 101 -> 34.0 (-66.3%), Adj Close carries the split (+1%)
    assert load(con, closes("IWM", [34.0], nxt, adj=[102.0])) == []
    # 2-for-1 in an unadjusted file: Close and Adj Close both 101 -> 50.0 (-1% on the day)
    assert load(con, closes("SPY", [50.0], nxt, adj=[50.0])) == []
    # both fall 40% (ratio 1/1.67): no split's ratio
    assert len(load(con, closes("RSP", [60.6], nxt, adj=[60.6]))) == 1
    # the close halves, the adjusted close falls 30%: Close against Adj Close is 1/1.4, no split
    assert len(load(con, closes("IJR", [50.5], nxt, adj=[70.7]))) == 1
    # an index has no splits
    assert len(load(con, closes("^RUT", [50.5], nxt))) == 1


def test_a_move_across_a_gap_of_more_than_a_week_is_not_judged(con):
    assert load(con, closes("IWM", flat(10))) == []
    later = pd.DatetimeIndex([DAYS[9] + pd.Timedelta(days=8)])
    assert load(con, closes("IWM", [150.0], later)) == []  # +48.5%, 8 days on


def test_a_refused_load_leaves_every_table_as_it_was(con):
    assert load(con, closes("IWM", flat())) == []
    quarantined = closes("IWM", [-5.0], DAYS[25:26])  # quarantined in the same load
    before = {
        t: con.execute(f"select count(*), sum(hash(x)) from raw.{t} x").fetchone()
        for t in ("prices", "quarantine", "load_log", "file_digests")
    }
    bad = pd.concat([closes("IWM", [1.01], DAYS[20:21]), quarantined])
    assert load(con, bad, digests={"IWM": ("prices/IWM.csv", "abc")}) != []
    for table, state in before.items():
        assert con.execute(f"select count(*), sum(hash(x)) from raw.{table} x").fetchone() == (
            state
        ), table


def test_a_replacing_load_may_delete_at_most_the_share_allowed(con):
    history = closes("IWM", flat(30))
    assert load(con, history) == []
    start = DAYS[0].date()
    # 30 rows stored; keeping 29 deletes 1 (3.3%): more than 2%
    (problem,) = load(con, history.iloc[1:], replace_from=start, max_shrink=0.02)
    assert problem.startswith("IWM: this load would delete 1 of its 30 stored rows from 2026-01-05")
    assert con.execute("select count(*) from raw.prices").fetchone() == (30,)
    # allowed at 5%, or without a bound (ROTATION_ALLOW_SHRINK)
    assert load(con, history.iloc[1:], replace_from=start, max_shrink=0.05) == []
    assert load(con, history.iloc[2:], replace_from=start, max_shrink=None) == []
    assert con.execute("select count(*) from raw.prices").fetchone() == (28,)


def macro(series_id: str, values: list[float], days, realtime_start=None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series_id": series_id,
            "date": days[: len(values)],
            "realtime_start": realtime_start or days[: len(values)],
            "value": values,
            "realtime_kind": "vintage",
        }
    )


def test_a_macro_value_outside_its_range_or_jumping_is_blocked(con):
    (problem,) = load(con, macro("DGS2", [4.0, 99.0], DAYS), "macro_observations")
    assert "DGS2 99 for 2026-01-06 is outside its plausible range [-1, 25]" in problem
    # a history moving at most 0.25 a day
    history = [4.0 + 0.25 * (i % 2) for i in range(20)]
    assert load(con, macro("DGS2", history, DAYS), "macro_observations") == []
    # from 4.25: +3.0 is 12 times the largest stored move (blocked), +2.0 is 8 times (allowed)
    (problem,) = load(con, macro("DGS2", [7.25], DAYS[20:21]), "macro_observations")
    assert "DGS2 7.25 for 2026-02-02 moves +3 from 4.25 (2026-01-30)" in problem
    assert "12 times the largest move in its stored history (0.25" in problem
    assert load(con, macro("DGS2", [6.25], DAYS[20:21]), "macro_observations") == []


def test_provenance_names_the_file_and_line():
    frame = closes("IWM", [1.0, 2.0]).assign(**{ORIGIN: "prices/IWM.csv", LINE: [2, 3]})
    provenance = Provenance.of(frame, "symbol", "the files source")
    assert provenance.where("IWM", DAYS[1]) == "prices/IWM.csv line 3"
    assert provenance.where("SPY", DAYS[1]) == "the files source (SPY)"
