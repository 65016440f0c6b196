"""A stale instrument ends only its own pairs and its own columns.

The sample warehouse with ^GSPC's prices cut after STALE_END (its file stopped in February, as
real downloads do, while ^RUT, SPY and the macro series go on to June): the calendar asset is
run again and every dbt model rebuilt. The macro, flows, breadth, concentration and scorecard
marts reach the calendar's last day (worked out apart: calendar_twin); the pair with ^GSPC
stops at its last price, and the scorecard's momentum is missing after it, saying why.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from dagster import materialize
from support.calendar_twin import expected_calendar
from support.constituent_market import run_dbt

from dagster_project.reference import stale_instruments
from dagster_project.resources import WarehouseResource, build_resources
from dagster_project.trading_calendar import trading_calendar

STALE = "^GSPC"
STALE_END = pd.Timestamp("2026-02-27")  # a Friday


@pytest.fixture(scope="module")
def stale(tmp_path_factory, sample_warehouse):
    """(connection to the rebuilt warehouse, the calendar worked out apart)."""
    folder = tmp_path_factory.mktemp("stale")
    path = folder / "w.duckdb"
    path.write_bytes(sample_warehouse.read_bytes())
    with duckdb.connect(str(path)) as con:
        con.execute("delete from raw.prices where symbol = ? and date > ?", [STALE, STALE_END])
        calendar = expected_calendar(con)
    assert materialize(
        [trading_calendar], resources=build_resources(WarehouseResource(path=str(path)))
    ).success
    run_dbt(path, folder, "build", "--exclude-resource-type", "unit_test")
    with duckdb.connect(str(path), read_only=True) as con:
        yield con, calendar


def last(con, query: str) -> pd.Timestamp:
    ((value,),) = con.execute(query).fetchall()
    return pd.Timestamp(value)


def test_the_calendar_goes_on_past_the_stale_instrument(stale):
    con, calendar = stale
    assert calendar[-1] == pd.Timestamp("2026-06-30") > STALE_END
    stored = con.sql("select trading_date from intermediate.int_trading_days order by 1").df()
    assert (pd.DatetimeIndex(stored["trading_date"]) == calendar).all()
    assert len(stored) == len(calendar)


def test_the_daily_marts_reach_the_calendars_last_day(stale):
    con, calendar = stale
    end = calendar[-1]
    macro = con.sql("select trading_date from marts.fct_macro_daily order by 1").df()
    assert (pd.DatetimeIndex(macro["trading_date"]) == calendar).all()
    assert last(con, "select max(flow_date) from marts.fct_etf_flows_segment_daily") == end
    assert last(con, "select max(scorecard_date) from marts.rpt_rotation_scorecard") == end
    for fund in ("^RUT", STALE):  # ^GSPC's members are priced: its breadth goes on too
        for mart, column in [
            ("fct_breadth_daily", "breadth_date"),
            ("fct_concentration_daily", "concentration_date"),
        ]:
            day = last(con, f"select max({column}) from marts.{mart} where fund = '{fund}'")
            assert day == end, (mart, fund)
    # SPY's flow on the last day: a trading day, its previous one too
    spy = con.sql(
        "select is_trading_day, flow_usd from marts.fct_etf_flows_daily"
        f" where symbol = 'SPY' and share_date = '{end.date()}'"
    ).df()
    assert spy["is_trading_day"].item() and pd.notna(spy["flow_usd"].item())


def test_only_the_stale_instruments_pairs_and_columns_stop(stale):
    con, calendar = stale
    ends = dict(
        con.execute("select pair_id, max(rotation_date) from marts.fct_rotation_daily group by 1")
        .df()
        .itertuples(index=False, name=None)
    )
    assert pd.Timestamp(ends["rut_spx"]) == STALE_END
    assert {pd.Timestamp(ends[p]) for p in ("iwm_spy", "ijr_spy", "rsp_spy")} == {calendar[-1]}
    # ^GSPC's own column in the breadth mart: its index return, unknown after its last price
    index_ret = con.sql(
        "select breadth_date, index_ret_1d from marts.fct_breadth_daily where fund = '^GSPC'"
    ).df()
    after = index_ret["breadth_date"] > STALE_END
    assert after.sum() > 60 and index_ret.loc[after, "index_ret_1d"].isna().all()
    assert index_ret.loc[~after, "index_ret_1d"].notna().sum() > 1000


def test_the_scorecard_says_why_its_momentum_is_missing(stale):
    con, calendar = stale
    card = con.sql("select * from marts.rpt_rotation_scorecard order by scorecard_date").df()
    assert (pd.DatetimeIndex(card["scorecard_date"]) == calendar).all()  # the pair's first day on
    after = card["scorecard_date"] > STALE_END
    assert after.sum() == (calendar > STALE_END).sum() > 80
    assert card.loc[after, "momentum_signal"].isna().all()
    assert card.loc[after, "regime"].isna().all()
    assert set(card.loc[after, "momentum_missing_reason"]) == {
        "no price of ^GSPC that day (last price 2026-02-27)"
    }
    before = card[~after & card["momentum_signal"].notna()]
    assert len(before) > 7000 and before["momentum_missing_reason"].isna().all()
    # the other signals go on: the last day has every one but momentum
    assert card.iloc[-1]["signals_available"] == 6


def test_stale_instruments_are_named_with_what_they_stop():
    last = {
        "^GSPC": date(2026, 2, 11),
        "SPY": date(2026, 6, 12),
        "^RUT": date(2026, 6, 5),  # 7 days behind: a week, not more
        "IJR": date(2024, 4, 19),
        "L0001": date(2020, 1, 2),  # a member: not asked about
    }
    stale = stale_instruments(last, ["^GSPC", "SPY", "^RUT", "IJR", "RSP"])  # RSP: nothing loaded
    assert list(stale) == ["IJR", "^GSPC"]
    assert stale["^GSPC"].startswith("^GSPC: last price 2026-02-11, 121 days before SPY's")
    # no longer the calendar's: ^GSPC ends its own pair only, the marts go on
    assert stale["^GSPC"].endswith(
        "every pair with ^GSPC (rut_spx) ends 2026-02-11; the daily marts go on to the trading"
        " calendar's last day without it"
    )
    assert "every pair with IJR (ijr_spy) ends 2024-04-19;" in stale["IJR"]
    # an instrument in no pair (IVV: the seed's pairs use SPY) ends only its own figures
    ivv = stale_instruments({"IVV": date(2026, 1, 2), "SPY": date(2026, 6, 12)}, ["IVV", "SPY"])
    assert list(ivv) == ["IVV"] and "IVV's own figures end 2026-01-02;" in ivv["IVV"]
    assert stale_instruments({}, ["SPY"]) == {}
