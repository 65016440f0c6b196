"""int_fund_members_daily and int_fund_member_totals_daily built incrementally equal their pandas
twin on the data loaded so far.

The synthetic cross-section (support/constituent_market.py) arrives in steps, as a live
warehouse gets it: history, then new days, then a revised old price, a new holdings snapshot and
an old snapshot replaced without one of its members, then the rest. dbt builds the breadth marts
after each step; each time, every row of int_fund_members_daily and of both marts (computed from
int_fund_member_totals_daily) must equal the pandas twin on the raw data loaded so far, and the
rows of both tables before the first changed day must have been kept, not rewritten (their
inputs_loaded_at or members_loaded_at is the earlier build's). A build with other code (here a
var) rebuilds the tables whole, and so does the build after it, back on the defaults.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from support.breadth_twin import (
    assert_matches,
    daily_members,
    expected_breadth,
    expected_concentration,
)
from support.constituent_market import BUILD_FLAGS, MODELS, generate, load_raw, read, run_dbt

from dagster_project import warehouse

NEW_DAYS_FROM = pd.Timestamp("2021-05-03")  # prices from here arrive after the first build
LAST_DAYS_FROM = pd.Timestamp("2021-06-01")  # and from here last
NEW_SNAPSHOT = pd.Timestamp("2021-05-31")  # a snapshot arriving after its day's prices
REVISED = ("S0005", pd.Timestamp("2020-09-15"))  # a member price revised after the fact
REPLACED = ("^GSPC", pd.Timestamp("2019-10-31"))  # a snapshot re-sent without one member
# a Friday without trading here, and a snapshot dated on it that arrives before Monday's prices
HOLIDAY, HOLIDAY_EVE = pd.Timestamp("2021-06-18"), pd.Timestamp("2021-06-17")
# a member without prices for two years before it joins: the windows on the revised price's day
# must read its rows from before the gap (the incremental build reads only the recent ones)
GAPPED = ("S0998", pd.Timestamp("2018-08-31"), pd.Timestamp("2020-06-01"))
TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}
COLUMNS = [
    "is_member",
    "is_held_overnight",
    "drifted_weight",
    "previous_drifted_weight",
    "ret_1d",
    "ret_63d",
    "is_above_ma_50",
    "is_above_ma_200",
    "is_new_high_252d",
    "is_new_low_252d",
]


class Warehouse:
    """A warehouse that receives the market in steps; dbt builds the breadth marts after each."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.path = folder, folder / "rotation.duckdb"
        self.prices, self.constituents = with_holiday_snapshot(*with_gapped_member(*generate()))
        self.loaded_prices = self.prices.iloc[:0]
        self.loaded_constituents = self.constituents.iloc[:0]

    def load(self, prices: pd.DataFrame, constituents: pd.DataFrame) -> None:
        load_raw(self.path, prices, constituents)
        key = ["symbol", "date"]
        self.loaded_prices = pd.concat([self.loaded_prices, prices]).drop_duplicates(
            key, keep="last"
        )
        self.loaded_constituents = pd.concat([self.loaded_constituents, constituents])

    def build(self, **dbt_vars) -> None:
        run_dbt(
            self.path, self.folder, "build", "--select", MODELS, *BUILD_FLAGS, dbt_vars=dbt_vars
        )

    def members(self) -> pd.DataFrame:
        return read(
            self.path,
            "select * from intermediate.int_fund_members_daily order by fund, symbol, price_date",
        )

    def totals(self) -> pd.DataFrame:
        return read(
            self.path,
            "select * from intermediate.int_fund_member_totals_daily order by fund, price_date",
        )

    def tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return self.members(), self.totals()

    def check(self) -> None:
        """Every row of the table and of both marts equals the twin on what is loaded."""
        prices, constituents = self.loaded_prices, self.loaded_constituents
        expected = daily_members(prices, constituents).rename(columns={"date": "price_date"})
        expected = expected.sort_values(["fund", "symbol", "price_date"], ignore_index=True)
        members = self.members()
        assert_matches(
            members[["fund", "symbol", "price_date", *COLUMNS]],
            expected[["fund", "symbol", "price_date", *COLUMNS]],
            ["fund", "symbol", "price_date"],
            **TOLERANCE,
        )
        breadth = read(self.path, "select * from marts.fct_breadth_daily order by all")
        assert_matches(
            breadth, expected_breadth(prices, constituents), ["fund", "breadth_date"], **TOLERANCE
        )
        concentration = read(self.path, "select * from marts.fct_concentration_daily order by all")
        assert_matches(
            concentration,
            expected_concentration(prices, constituents),
            ["fund", "concentration_date"],
            **TOLERANCE,
        )


def with_gapped_member(prices: pd.DataFrame, constituents: pd.DataFrame):
    symbol, gap_from, gap_to = GAPPED
    days = prices.loc[prices["symbol"] == "^GSPC", "date"]
    days = days[(days <= gap_from) | (days >= gap_to)]
    close = 50 * np.exp(np.cumsum(np.random.default_rng(3).normal(0.0004, 0.02, len(days))))
    gapped = pd.DataFrame({"symbol": symbol, "date": days.to_numpy(), "close": close})
    snapshots = constituents.loc[constituents["fund"] == "^RUT", "date"].unique()
    joins = pd.DataFrame({"fund": "^RUT", "date": snapshots[snapshots >= gap_to], "symbol": symbol})
    joins = joins.assign(name="Company with a gap", sector="Energy", weight=0.004, shares=1e6)
    return pd.concat([prices, gapped], ignore_index=True), pd.concat([constituents, joins])


def with_holiday_snapshot(prices: pd.DataFrame, constituents: pd.DataFrame):
    """No prices on HOLIDAY, and a ^GSPC snapshot dated on it: the members of the month-end
    before with their weights reversed (the largest become the smallest)."""
    month_end = constituents[
        (constituents["fund"] == "^GSPC") & (constituents["date"] == NEW_SNAPSHOT)
    ]
    holiday = month_end.assign(date=HOLIDAY, weight=month_end["weight"].to_numpy()[::-1])
    return prices[prices["date"] != HOLIDAY], pd.concat([constituents, holiday], ignore_index=True)


def kept_before(before: tuple, after: tuple, day: pd.Timestamp) -> None:
    """In both tables (members, totals) the rows before ``day`` were kept as they were (same
    build), the others rewritten."""
    for old_table, new_table, loaded_at, at_least in zip(
        before, after, ["inputs_loaded_at", "members_loaded_at"], [1000, 100], strict=True
    ):
        old = old_table[old_table["price_date"] < day]
        new = new_table[new_table["price_date"] < day]
        assert len(old) == len(new) > at_least
        assert (new[loaded_at].to_numpy() == old[loaded_at].to_numpy()).all()
        rewritten = new_table.loc[new_table["price_date"] >= day, loaded_at]
        assert len(rewritten) > 0 and (rewritten > old[loaded_at].max()).all()


@pytest.fixture(scope="module")
def market(tmp_path_factory) -> Warehouse:
    folder = tmp_path_factory.mktemp("incremental")
    yield Warehouse(folder)
    shutil.rmtree(folder, ignore_errors=True)


def test_a_first_build_then_new_days(market):
    prices, constituents = market.prices, market.constituents
    market.load(
        prices[prices["date"] < NEW_DAYS_FROM], constituents[constituents["date"] < NEW_SNAPSHOT]
    )
    market.build()
    market.check()
    before = market.tables()

    fresh = prices[(prices["date"] >= NEW_DAYS_FROM) & (prices["date"] < LAST_DAYS_FROM)]
    market.load(fresh, constituents.iloc[:0])
    market.build()
    market.check()
    kept_before(before, market.tables(), NEW_DAYS_FROM)


def test_a_revised_price(market):
    symbol, day = REVISED
    prices = market.prices
    revised = prices[(prices["symbol"] == symbol) & (prices["date"] == day)].copy()
    revised[["close", "adj_close"]] *= 1.07
    before = market.tables()
    market.load(revised, market.constituents.iloc[:0])
    market.build()
    market.check()
    kept_before(before, market.tables(), day)
    ret_1d = market.members().query("symbol == @symbol and price_date == @day")["ret_1d"]
    old_ret_1d = before[0].query("symbol == @symbol and price_date == @day")["ret_1d"]
    assert np.isclose(ret_1d.iloc[0] + 1, 1.07 * (old_ret_1d.iloc[0] + 1))


def test_a_new_snapshot(market):
    constituents = market.constituents
    before = market.tables()
    market.load(market.prices.iloc[:0], constituents[constituents["date"] == NEW_SNAPSHOT])
    market.build()
    market.check()
    kept_before(before, market.tables(), NEW_SNAPSHOT)  # a trading day: effective that day


def test_a_snapshot_replaced_without_a_member(market):
    fund, as_of = REPLACED
    loaded = market.loaded_constituents
    replaced = loaded[(loaded["fund"] == fund) & (loaded["date"] == as_of)]
    dropped = replaced["symbol"].iloc[3]
    market.loaded_constituents = loaded[
        ~((loaded["fund"] == fund) & (loaded["date"] == as_of) & (loaded["symbol"] == dropped))
    ]
    before = market.tables()
    load_raw(market.path, market.prices.iloc[:0], replaced[replaced["symbol"] != dropped])
    market.build()
    market.check()
    kept_before(before, market.tables(), as_of)  # a Thursday: effective that day


def test_a_snapshot_before_its_days_prices(market):
    # the snapshots of the last day (2021-06-30), loaded while the prices end on 2021-05-31, are
    # not in force yet: nothing changes
    constituents = market.constituents
    before = market.tables()
    market.load(market.prices.iloc[:0], constituents[constituents["date"] > HOLIDAY])
    market.build()
    market.check()
    for old, new in zip(before, market.tables(), strict=True):
        pd.testing.assert_frame_equal(new, old)


def test_a_snapshot_dated_on_a_market_holiday(market):
    # loaded with the prices up to the day before: it waits, as if the holiday's prices were late
    prices, constituents = market.prices, market.constituents
    before = market.tables()
    market.load(
        prices[(prices["date"] >= LAST_DAYS_FROM) & (prices["date"] < HOLIDAY)],
        constituents[constituents["date"] == HOLIDAY],
    )
    market.build()
    market.check()
    kept_before(before, market.tables(), LAST_DAYS_FROM)


def test_the_last_days(market):
    # the holiday's snapshot takes effect at the close before it, a day the table already has;
    # the last day's snapshots on their own day
    prices = market.prices
    constituents = market.constituents
    before = market.tables()
    market.load(prices[prices["date"] > HOLIDAY], constituents.iloc[:0])
    market.build()
    market.check()
    kept_before(before, market.tables(), HOLIDAY_EVE)
    assert len(market.loaded_prices) == len(prices)
    assert len(market.loaded_constituents) == len(constituents) - 1  # the member dropped


def test_other_code_rebuilds_the_table_whole(market):
    totals_before = market.totals()
    market.build(breadth_ma_short_days=20)
    changed = market.members()
    assert changed["model_version"].nunique() == 1
    # the totals too: the member rows rewritten with no new load keep their inputs_loaded_at
    totals = market.totals()
    assert totals["model_version"].nunique() == 1
    assert totals["model_version"].iloc[0] != totals_before["model_version"].iloc[0]
    assert not np.allclose(totals["above_ma_50_count"], totals_before["above_ma_50_count"])
    # moving averages over 20 days now: the rows the default build made are all gone
    with pytest.raises(AssertionError, match="is_above_ma_50"):
        market.check()

    market.build()  # the defaults again: every row rebuilt with them
    after = market.members()
    assert after["model_version"].nunique() == 1
    assert market.totals()["model_version"].nunique() == 1
    assert after["model_version"].iloc[0] != changed["model_version"].iloc[0]
    market.check()


def test_nothing_new_changes_nothing(market):
    before = market.tables()
    market.build()
    after = market.tables()
    for old, new in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(old, new)


def test_a_full_refresh_that_deletes_prices_rebuilds_the_table(market):
    """A full refresh replaces a member's history; three days its source no longer has are
    deleted from raw.prices, and no row is written: the rows built from them must go too."""
    symbol = REVISED[0]
    prices = market.loaded_prices
    history = prices[prices["symbol"] == symbol]
    gone = history["date"].iloc[[300, 301, 302]]
    with duckdb.connect(str(market.path)) as con:
        result = warehouse.upsert(
            con,
            "prices",
            history[~history["date"].isin(gone)],
            source="test",
            replace_from=history["date"].min().date(),
        )
    assert (result.rows_deleted, result.rows_inserted, result.rows_updated) == (3, 0, 0)
    market.loaded_prices = prices[~((prices["symbol"] == symbol) & prices["date"].isin(gone))]
    market.build()
    market.check()


def test_member_rows_gone_without_others_written_rebuild_the_totals_whole(market, tmp_path):
    """Rows that leave int_fund_members_daily with no build writing rows after them (here
    deleted by hand, on a copy) leave no newer row to find: the kept totals no longer add up to
    the member rows, so every total is rebuilt, as a build from nothing makes them."""
    copies = {}
    for name in ("incremental", "whole"):
        (tmp_path / name).mkdir()
        copies[name] = tmp_path / name / "rotation.duckdb"
        shutil.copy(market.path, copies[name])
        with duckdb.connect(str(copies[name])) as con:
            table = "intermediate.int_fund_members_daily"
            con.execute(
                f"delete from {table} where price_date = (select max(price_date) from {table})"
            )
    totals = "int_fund_member_totals_daily"
    run_dbt(copies["incremental"], tmp_path / "incremental", "run", "--select", totals)
    run_dbt(copies["whole"], tmp_path / "whole", "run", "--select", totals, "--full-refresh")
    query = f"select * exclude (members_loaded_at, rebuilt_from) from intermediate.{totals}"
    incremental, whole = (read(copies[name], f"{query} order by all") for name in copies)
    assert incremental["price_date"].max() < market.totals()["price_date"].max()
    pd.testing.assert_frame_equal(incremental, whole)


def calendar(path: Path) -> pd.DatetimeIndex:
    days = read(path, "select trading_date from raw.trading_calendar order by 1")["trading_date"]
    return pd.DatetimeIndex(days)


def write_calendar(path: Path, days: pd.DatetimeIndex) -> None:
    with duckdb.connect(str(path)) as con:
        warehouse.write_trading_calendar(con, days)


def test_days_added_to_the_calendar_after_their_prices_are_built(tmp_path):
    """The calendar follows the instruments, ETFs and macro series, not the members: a
    member's prices may be loaded before their day is a trading day. When the calendar reaches
    them (no load of raw.prices since), those days are built, and the days before are kept."""
    market = Warehouse(tmp_path)
    market.load(market.prices, market.constituents)
    full = calendar(market.path)
    write_calendar(market.path, full[full < LAST_DAYS_FROM])
    market.build()
    before = market.tables()
    assert before[0]["price_date"].max() < LAST_DAYS_FROM
    write_calendar(market.path, full)
    market.build()
    market.check()
    assert market.members()["price_date"].max() == full[-1]
    kept_before(before, market.tables(), LAST_DAYS_FROM)


def test_days_that_stop_being_trading_days_are_removed(tmp_path):
    """The calendar loses days that no change reaches (here its first months: a later
    ROTATION_START_DATE, after the first snapshot). Their rows go, and the table equals a
    build from nothing. (Not the pandas twin: it has no calendar that starts after the first
    snapshot.)"""
    (tmp_path / "incremental").mkdir()
    market = Warehouse(tmp_path / "incremental")
    market.load(market.prices, market.constituents)
    market.build()
    first_day = pd.Timestamp("2018-09-04")
    assert (market.members()["price_date"] < first_day).sum() > 1000
    days = calendar(market.path)
    write_calendar(market.path, days[days >= first_day])
    market.build()

    whole = tmp_path / "whole"
    whole.mkdir()
    shutil.copy(market.path, whole / "rotation.duckdb")
    run_dbt(
        whole / "rotation.duckdb",
        whole,
        "run",
        "--select",
        "int_fund_members_daily",
        "--full-refresh",
    )
    built = read(
        whole / "rotation.duckdb",
        "select * from intermediate.int_fund_members_daily order by fund, symbol, price_date",
    )
    incremental = market.members()
    assert incremental["price_date"].min() >= first_day
    columns = ["fund", "symbol", "price_date", "snapshot_date", *COLUMNS]
    pd.testing.assert_frame_equal(incremental[columns], built[columns])
