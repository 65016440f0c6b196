"""A small synthetic cross-section for the breadth and concentration marts, and its warehouse.

``generate`` makes about 50 members each for '^RUT' and '^GSPC' (month-end holdings snapshots in
raw.constituents, member prices in raw.prices next to the indices and the RSP/SPY pair), with
the awkward cases the marts must handle: members joining, leaving and coming back, one member
in both funds, a snapshot dated on a weekend, a member priced only after the snapshot that lists
it, gaps in a member's prices (members halted across the snapshot at which they leave or
join), members with and without adj_close, a holding without prices, and two snapshots dated
on one weekend (the later one counts).
``load_raw`` loads it into a DuckDB file and ``run_dbt`` runs dbt on it; the pandas twin that
the marts are compared with is in breadth_twin.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dagster_project import warehouse
from dagster_project.resources import DBT_PROJECT_DIR

FUNDS = {"^RUT": "S", "^GSPC": "L"}  # fund -> member symbol prefix
SHARED_MEMBER = "B0001"  # a member of both funds
LATE_MEMBER = "S0061"  # listed from a snapshot before its first price
GAP_MEMBER = "L0003"  # misses a few days, one of them the snapshot at which it leaves
HALTED_JOINER = "L0004"  # misses the two days up to the snapshot at which it joins
# halted across a snapshot: GAP_MEMBER leaves at ^GSPC's snapshot of 2020-03-31 without a
# price that day, HALTED_JOINER joins at 2020-06-30 without one (snapshot -> member, held)
HALTED_AT = {
    "2020-02-28": (GAP_MEMBER, True),
    "2020-03-31": (GAP_MEMBER, False),
    "2020-05-29": (HALTED_JOINER, False),
    "2020-06-30": (HALTED_JOINER, True),
}
UNPRICED_MEMBER = "S9999"  # a holding without prices (none loaded)
# the days each awkward member has no price
MISSING_DAYS = {
    GAP_MEMBER: ["2019-05-06", "2019-05-07", "2020-03-31"],
    HALTED_JOINER: ["2020-06-29", "2020-06-30"],
}
LATE_MEMBER_FROM = "2019-03-15"  # LATE_MEMBER's first price
LATE_MEMBER_LISTED = "2019-02-01"  # ^RUT lists LATE_MEMBER from its first snapshot after this
MODELS = "+fct_breadth_daily +fct_concentration_daily"
# data tests of the selected models only (not those of other marts on the seeds), no unit tests
BUILD_FLAGS = ("--indirect-selection", "cautious", "--exclude-resource-type", "unit_test")


# ------------------------------------------------------------------------------ the market
def trading_calendar(start: str, end: str) -> pd.DatetimeIndex:
    days = pd.bdate_range(start, end)
    return days[~days.isin(pd.to_datetime(["2019-07-04", "2019-12-25", "2020-12-25"]))]


def _walk(rng: np.random.Generator, n: int, start: float, drift: float, vol: float) -> np.ndarray:
    return start * np.exp(np.cumsum(rng.normal(drift, vol, n)))


def _prices(symbol: str, close: np.ndarray, dates, adj: np.ndarray | None = None) -> pd.DataFrame:
    return pd.DataFrame({"symbol": symbol, "date": dates, "close": close, "adj_close": adj})


def _index_prices(rng: np.random.Generator, days: pd.DatetimeIndex) -> list[pd.DataFrame]:
    """The two indices, and the RSP/SPY pair (with adj_close)."""
    n = len(days)
    frames = [
        _prices("^GSPC", _walk(rng, n, 2700.0, 0.0004, 0.011), days),
        _prices("^RUT", _walk(rng, n, 1500.0, 0.0003, 0.014), days),
    ]
    spy = _walk(rng, n, 270.0, 0.0004, 0.011)
    frames.append(_prices("SPY", spy, days, adj=spy * np.linspace(0.97, 1.0, n)))
    rsp = _walk(rng, n, 100.0, 0.0003, 0.012)
    frames.append(_prices("RSP", rsp, days, adj=rsp * np.linspace(0.98, 1.0, n)))
    return frames


def _member_prices(
    rng: np.random.Generator, days: pd.DatetimeIndex, symbols: list[str]
) -> list[pd.DataFrame]:
    """Each member's random walk, with the late member's and the gapped members' days left out;
    every third member with adj_close (a constant factor)."""
    frames = []
    for i, symbol in enumerate(symbols):
        drift = rng.normal(0.0003, 0.0006)  # some trend up, some down: breadth varies
        close = _walk(rng, len(days), rng.uniform(10, 200), drift, rng.uniform(0.01, 0.03))
        keep = np.ones(len(days), dtype=bool)
        if symbol == LATE_MEMBER:
            keep = days >= pd.Timestamp(LATE_MEMBER_FROM)
        if symbol in MISSING_DAYS:
            keep = ~days.isin(pd.to_datetime(MISSING_DAYS[symbol]))
        close, dates = close[keep], days[keep]
        adj = close * rng.uniform(0.9, 1.0) if i % 3 == 0 else None
        frames.append(_prices(symbol, close, dates, adj))
    return frames


def _snapshot_days(days: pd.DatetimeIndex, first_snapshot: str) -> dict[str, list]:
    """Month-end snapshots: ^GSPC on its last trading day, ^RUT on the calendar month end (a
    weekend now and then; a Saturday's first snapshot replaced by a second on Sunday)."""
    months = pd.date_range(first_snapshot, days[-1], freq="ME")
    snapshots = {
        "^GSPC": sorted({days[days <= m][-1] for m in months}),
        "^RUT": list(months),
    }
    if months[0].day_of_week == 5:  # a Saturday: a second snapshot on Sunday replaces it
        snapshots["^RUT"].insert(1, months[0] + pd.Timedelta(days=1))
    return snapshots


def _snapshot_members(
    rng: np.random.Generator, fund: str, pool: list[str], k: int, as_of, members_per_fund: int
) -> list[str]:
    """The members of the k-th snapshot: the pool but a few left out (re-admitted later), the
    late member from its listing, the halted members as HALTED_AT says, the shared member in
    three snapshots of four."""
    left_out = set(rng.choice(pool, size=len(pool) - members_per_fund, replace=False))
    listed = pd.Timestamp(as_of) >= pd.Timestamp(LATE_MEMBER_LISTED)
    if fund == "^RUT" and not listed:
        left_out.add(LATE_MEMBER)
    if fund == "^RUT" and listed:
        left_out.discard(LATE_MEMBER)
    halted = HALTED_AT.get(f"{pd.Timestamp(as_of):%Y-%m-%d}") if fund == "^GSPC" else None
    if halted:
        symbol, held = halted
        left_out = left_out - {symbol} if held else left_out | {symbol}
    members = [s for s in pool if s not in left_out]
    if k % 4 != 1:
        members.append(SHARED_MEMBER)  # in both funds, leaving every fourth month
    return members


def _holding(fund: str, as_of, members: list[str], weights, shares, name, sector) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "fund": fund,
            "date": pd.Timestamp(as_of),
            "symbol": members,
            "name": name,
            "sector": sector,
            "weight": weights,
            "shares": shares,
        }
    )


def _holdings(
    rng: np.random.Generator, pools: dict[str, list[str]], snapshots: dict, members_per_fund: int
) -> pd.DataFrame:
    """Every snapshot's members with lognormal weights (a few large, many small) summing to
    0.99; ^RUT's also list UNPRICED_MEMBER."""
    holdings = []
    for fund, pool in pools.items():
        for k, as_of in enumerate(snapshots[fund]):
            members = _snapshot_members(rng, fund, pool, k, as_of, members_per_fund)
            weights = rng.lognormal(0.0, 1.2, len(members))
            weights = weights / weights.sum() * 0.99
            shares = rng.uniform(1e6, 1e8, len(members)).round()
            names = [f"Company {s}" for s in members]
            holdings.append(_holding(fund, as_of, members, weights, shares, names, "Industrials"))
            if fund == "^RUT":
                unpriced = [UNPRICED_MEMBER]
                holdings.append(
                    _holding(
                        fund, as_of, unpriced, [0.005], [1e6], "Company without prices", "Utilities"
                    )
                )
    return pd.concat(holdings, ignore_index=True)


def generate(
    seed: int = 7,
    calendar: pd.DatetimeIndex | None = None,
    first_snapshot: str = "2018-06-29",
    members_per_fund: int = 50,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(prices, constituents) frames in the raw contracts' columns."""
    rng = np.random.default_rng(seed)
    days = trading_calendar("2018-01-02", "2021-06-30") if calendar is None else calendar
    pools = {
        fund: [f"{prefix}{i:04d}" for i in range(1, members_per_fund + 12)]
        for fund, prefix in FUNDS.items()
    }
    symbols = sorted({s for pool in pools.values() for s in pool} | {SHARED_MEMBER})
    prices = _index_prices(rng, days) + _member_prices(rng, days, symbols)
    snapshots = _snapshot_days(days, first_snapshot)
    return pd.concat(prices, ignore_index=True), _holdings(rng, pools, snapshots, members_per_fund)


# ------------------------------------------------------------------------------ the warehouse
def load_raw(path: Path, prices: pd.DataFrame, constituents: pd.DataFrame) -> None:
    """Upsert the frames, then write the trading calendar: this market's trading days, the
    dates of ^GSPC loaded so far (the twin's calendar; the asset raw/trading_calendar would
    take the NYSE's, and this market trades on some of its holidays)."""
    with duckdb.connect(str(path)) as con:
        warehouse.ensure_schema(con)
        warehouse.upsert(con, "prices", prices, source="test")
        warehouse.upsert(con, "constituents", constituents, source="test")
        days = con.sql("select distinct date from raw.prices where symbol = '^GSPC'").df()
        warehouse.write_trading_calendar(con, pd.DatetimeIndex(days["date"]))


def run_dbt(
    path: Path,
    work: Path,
    *args: str,
    dbt_vars: dict | None = None,
    dbt: Path | None = None,
    succeeds: bool = True,
) -> str:
    """Run ``dbt`` (this environment's unless given) on the warehouse ``path`` (its target and
    logs under ``work``), which must succeed (or fail, if not ``succeeds``); its stdout."""
    dbt = dbt or Path(sys.executable).with_name("dbt")
    command = [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR)]
    command += ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(work / "target")]
    command += [
        "--log-path",
        str(work / "logs"),
        "--vars",
        json.dumps({"warehouse_path": str(path), **(dbt_vars or {})}),
    ]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True)
    assert (done.returncode == 0) == succeeds, done.stdout[-6000:] + done.stderr[-2000:]
    return done.stdout


def build_warehouse(work: Path) -> Path:
    """The synthetic market loaded into ``work`` and the breadth marts (with their data tests)
    built."""
    path = work / "rotation.duckdb"
    load_raw(path, *generate())
    run_dbt(path, work, "build", "--select", MODELS, *BUILD_FLAGS)
    return path


def read(path: Path, query: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(query).df()
