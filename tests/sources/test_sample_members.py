"""The sample's members of ^GSPC and ^RUT: contracts, size distribution, sectors, exact tracking.

Every figure is computed here from the frames the source returns (raw.constituents and
raw.prices rows), not from the generator's internals.
"""

from __future__ import annotations

import resource
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dagster_project.sources.calendar import trading_days
from dagster_project.sources.sample import SampleSource

START, END = date(1995, 1, 1), date(2026, 6, 30)
FUNDS = ["^GSPC", "^RUT"]
GICS = {
    "Information Technology",
    "Financials",
    "Health Care",
    "Industrials",
    "Consumer Discretionary",
    "Communication",
    "Consumer Staples",
    "Energy",
    "Materials",
    "Real Estate",
    "Utilities",
}
HOLDING_COLUMNS = ["fund", "date", "symbol", "name", "sector", "weight", "shares"]
PRICE_COLUMNS = ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume"]


@pytest.fixture(scope="module")
def source() -> SampleSource:
    return SampleSource()  # 100 members per index, the default


@pytest.fixture(scope="module")
def holdings(source) -> pd.DataFrame:
    return source.constituents(FUNDS, START, END)


@pytest.fixture(scope="module")
def member_prices(source, holdings) -> pd.DataFrame:
    return source.prices(sorted(holdings["symbol"].unique()), START, END)


def top10(holdings: pd.DataFrame) -> pd.Series:
    """The weight of the 10 largest members of each fund and date."""
    ranked = holdings.sort_values("weight", ascending=False)
    return ranked.groupby(["fund", "date"])["weight"].apply(lambda w: w.head(10).sum())


def closes(prices: pd.DataFrame) -> pd.DataFrame:
    return prices.pivot(index="date", columns="symbol", values="close")


# --- contracts ------------------------------------------------------------------------------------


def test_holdings_follow_the_contract_at_month_ends(holdings) -> None:
    assert list(holdings.columns) == HOLDING_COLUMNS
    assert str(holdings["date"].dtype) == "datetime64[ns]"
    assert not holdings.duplicated(["fund", "date", "symbol"]).any()
    assert holdings.equals(holdings.sort_values(["fund", "date", "symbol"]).reset_index(drop=True))
    assert holdings.notna().all().all()
    days = trading_days(START, END)
    month_ends = days.to_series().groupby(days.to_period("M")).max()
    for fund, rows in holdings.groupby("fund"):
        assert pd.DatetimeIndex(rows["date"].unique()).equals(pd.DatetimeIndex(month_ends)), fund
    sums = holdings.groupby(["fund", "date"])["weight"].sum()
    assert np.allclose(sums, 1.0, atol=1e-12)
    assert (holdings["weight"] > 0).all() and (holdings["weight"] < 1).all()
    assert (holdings["shares"] > 0).all() and (holdings["shares"] % 1 == 0).all()


def test_members_are_clearly_synthetic_and_constant(holdings) -> None:
    for fund, prefix, label in (("^GSPC", "L", "Large"), ("^RUT", "S", "Small")):
        rows = holdings[holdings["fund"] == fund]
        symbols = sorted(rows["symbol"].unique())
        assert symbols == [f"{prefix}{i:04d}" for i in range(1, 101)]
        first = rows[rows["symbol"] == f"{prefix}0001"]
        assert set(first["name"]) == {f"Sample {label} Co 0001"}
        # constant membership, sector and share count
        per_member = rows.groupby("symbol")[["name", "sector", "shares"]].nunique()
        assert (per_member == 1).all().all()
        assert rows.groupby("date").size().eq(100).all()


def test_wider_symbols_beyond_9999_members() -> None:
    frame = SampleSource(members=12_000).constituents(["^RUT"], date(2026, 6, 1), END)
    assert frame["symbol"].iloc[0] == "S00001" and frame["symbol"].iloc[-1] == "S12000"
    assert frame["name"].iloc[-1] == "Sample Small Co 12000"


def test_member_prices_follow_the_contract(member_prices) -> None:
    p = member_prices
    assert list(p.columns) == PRICE_COLUMNS
    assert p.equals(p.sort_values(["symbol", "date"]).reset_index(drop=True))
    assert not p.duplicated(["symbol", "date"]).any()
    assert p.notna().all().all()
    assert str(p["volume"].dtype) == "int64" and (p["volume"] > 0).all()
    assert (p["adj_close"] == p["close"]).all()  # members pay no dividends
    assert (p[["open", "high", "low", "close"]] > 0).all().all()
    assert (p["high"] >= p[["open", "close"]].max(axis=1)).all()
    assert (p["low"] <= p[["open", "close"]].min(axis=1)).all()
    days = pd.DatetimeIndex(trading_days(date(1995, 1, 3), END))
    for symbol in ("L0001", "S0100"):
        assert pd.DatetimeIndex(p.loc[p["symbol"] == symbol, "date"]).equals(days)


# --- the size distribution ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fund, names, low, high",
    [
        ("^GSPC", 500, 0.28, 0.38),  # S&P 500: ~30-35% (37.5% in June 2026)
        ("^RUT", 2000, 0.025, 0.06),  # Russell 2000: ~3-4%
    ],
)
def test_top_10_weight_at_the_real_index_size(fund, names, low, high) -> None:
    holdings = SampleSource(members=names).constituents([fund], START, END)
    figures = top10(holdings)
    print(
        f"\n{fund} with {names} names: top-10 weight mean {figures.mean():.3f},"
        f" range {figures.min():.3f}..{figures.max():.3f}, June 2026 {figures.iloc[-1]:.3f}"
    )
    assert low <= figures.mean() <= high
    assert figures.between(low - 0.04, high + 0.04).all()  # stable over 30 years


def test_the_default_100_names_are_more_concentrated(holdings) -> None:
    figures = top10(holdings).groupby("fund").mean()
    print(f"\ntop-10 weight with 100 names per index: {figures.round(3).to_dict()}")
    assert 0.35 < figures["^GSPC"] < 0.7
    assert 0.15 < figures["^RUT"] < 0.45


# --- sectors --------------------------------------------------------------------------------------


def test_every_gics_sector_with_realistic_shares(holdings) -> None:
    latest = holdings[holdings["date"] == holdings["date"].max()]
    for fund, rows in latest.groupby("fund"):
        names = rows["sector"].value_counts(normalize=True)
        assert set(names.index) == GICS, fund
        assert names.max() <= 0.2 and names.min() >= 0.02, (fund, names.to_dict())
    small = latest[latest["fund"] == "^RUT"]["sector"].value_counts()
    assert small["Financials"] + small["Health Care"] >= 30  # small caps: banks and biotech


def test_members_of_a_sector_move_together(member_prices, holdings) -> None:
    """Residual returns (less the index's) correlate more within a sector than across."""
    c = closes(member_prices)
    large = holdings[(holdings["fund"] == "^GSPC") & (holdings["date"] == holdings["date"].max())]
    sector = large.set_index("symbol")["sector"]
    returns = np.log(c[sector.index]).diff().dropna()
    residual = returns.sub(returns.mean(axis=1), axis=0)
    corr = residual.corr().to_numpy()
    same = sector.to_numpy()[:, None] == sector.to_numpy()[None, :]
    off_diagonal = ~np.eye(len(sector), dtype=bool)
    within, across = corr[same & off_diagonal].mean(), corr[~same].mean()
    assert within > across + 0.05, (within, across)


# --- returns --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fund", FUNDS)
def test_cap_weighted_member_returns_reproduce_the_index(source, holdings, member_prices, fund):
    """Weights = the previous day's caps (shares x close): the weighted sum of the members'
    daily returns is the index's daily return (from its close in raw.prices) to 1e-12."""
    rows = holdings[holdings["fund"] == fund]
    shares = rows.drop_duplicates("symbol").set_index("symbol")["shares"]
    c = closes(member_prices)[shares.index]
    index = source.prices([fund], START, END).set_index("date")["close"]
    assert c.index.equals(index.index)
    caps = c * shares
    weights = caps.div(caps.sum(axis=1), axis=0).shift(1)
    member_returns = c.pct_change()
    tracked = (weights * member_returns).sum(axis=1, min_count=1).iloc[1:]
    expected = index.pct_change().iloc[1:]
    error = (tracked - expected).abs().max()
    print(f"\n{fund}: largest daily tracking error {error:.1e}")
    assert error < 1e-12
    # the holdings' weights are those caps' shares on their dates
    snapshot = rows.pivot(index="date", columns="symbol", values="weight")
    on_dates = caps.div(caps.sum(axis=1), axis=0).loc[snapshot.index, snapshot.columns]
    assert np.allclose(snapshot, on_dates, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "fund, prefix, vol_range", [("^GSPC", "L", (0.2, 0.45)), ("^RUT", "S", (0.35, 0.7))]
)
def test_members_have_betas_and_fat_tails(source, member_prices, fund, prefix, vol_range):
    c = closes(member_prices)
    c = c[[s for s in c.columns if s.startswith(prefix)]]
    returns = np.log(c).diff().dropna()
    index = np.log(source.prices([fund], START, END).set_index("date")["close"]).diff().dropna()
    centred = index - index.mean()
    betas = returns.sub(returns.mean()).mul(centred, axis=0).sum() / (centred**2).sum()
    vols = returns.std() * np.sqrt(252)
    kurtosis = returns.kurt()
    print(
        f"\n{fund} members: beta mean {betas.mean():.2f} sd {betas.std():.2f},"
        f" volatility median {vols.median():.2f}, excess kurtosis median {kurtosis.median():.1f}"
    )
    assert 0.8 < betas.mean() < 1.2 and betas.std() > 0.1
    assert vol_range[0] < vols.median() < vol_range[1]
    assert kurtosis.median() > 3


# --- determinism ----------------------------------------------------------------------------------


def test_same_seed_same_members(holdings, member_prices) -> None:
    again = SampleSource()
    pd.testing.assert_frame_equal(again.constituents(FUNDS, START, END), holdings)
    symbols = ["L0007", "S0093"]
    expected = member_prices[member_prices["symbol"].isin(symbols)].reset_index(drop=True)
    pd.testing.assert_frame_equal(again.prices(symbols, START, END), expected)


def test_different_seed_differs(holdings) -> None:
    other = SampleSource(seed=7).constituents(FUNDS, START, END)
    assert other[HOLDING_COLUMNS[:3]].equals(holdings[HOLDING_COLUMNS[:3]])
    assert not np.allclose(other["weight"], holdings["weight"])


def test_a_members_rows_do_not_depend_on_what_else_is_asked_for(source, member_prices) -> None:
    alone = source.prices("S0050", START, END)
    expected = member_prices[member_prices["symbol"] == "S0050"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, expected)


def test_sub_range_is_the_slice_of_the_full_range(source, holdings, member_prices) -> None:
    start, end = date(2008, 9, 1), date(2009, 3, 31)
    symbols = ["L0001", "S0042", "^GSPC"]
    part = source.prices(symbols, start, end)
    full = pd.concat([member_prices, source.prices(["^GSPC"], START, END)])
    inside = full["symbol"].isin(symbols) & full["date"].between(
        pd.Timestamp(start), pd.Timestamp(end)
    )
    expected = full[inside].sort_values(["symbol", "date"]).reset_index(drop=True)
    assert len(part) > 0
    pd.testing.assert_frame_equal(part, expected)
    held = source.constituents(["^RUT"], start, end)
    inside = (holdings["fund"] == "^RUT") & holdings["date"].between(
        pd.Timestamp(start), pd.Timestamp(end)
    )
    pd.testing.assert_frame_equal(held, holdings[inside].reset_index(drop=True))


def test_one_day_is_the_row_of_the_full_range(member_prices, source) -> None:
    """A daily load asks each member for a few days: they are computed on those days only, and
    must be the full history's rows to the bit (the load compares them with the stored ones)."""
    for day in ("1995-01-03", "2008-10-10", "2026-06-30"):
        one = source.prices(["S0042"], date.fromisoformat(day), date.fromisoformat(day))
        row = member_prices[(member_prices["symbol"] == "S0042") & (member_prices["date"] == day)]
        assert len(one) == 1
        pd.testing.assert_frame_equal(one, row.reset_index(drop=True), check_exact=True)


def test_an_earlier_end_gives_the_same_members(holdings, member_prices) -> None:
    early = SampleSource(end=date(2015, 12, 15))
    held = early.constituents(FUNDS, START, END)
    assert held["date"].max() == pd.Timestamp("2015-11-30")  # December is not over
    expected = holdings[holdings["date"] <= "2015-12-15"].reset_index(drop=True)
    pd.testing.assert_frame_equal(held, expected)
    prices = early.prices(["L0003"], START, END)
    assert prices["date"].max() == pd.Timestamp("2015-12-15")
    expected = member_prices[
        (member_prices["symbol"] == "L0003") & (member_prices["date"] <= "2015-12-15")
    ].reset_index(drop=True)
    pd.testing.assert_frame_equal(prices, expected)


def test_unknown_members_and_funds_raise(source) -> None:
    with pytest.raises(ValueError, match="L0101"):
        source.prices(["L0001", "L0101"], START, END)
    with pytest.raises(ValueError, match="IWM"):
        source.constituents(["IWM"], START, END)
    with pytest.raises(ValueError, match="at least 1"):
        SampleSource(members=0)


# --- scale ----------------------------------------------------------------------------------------


def test_3000_names_per_index_generate_in_seconds() -> None:
    """Timing is printed, not asserted (machines differ); memory stays lean."""
    source = SampleSource(members=3000)
    assert len(source.history.prices)  # the index history first: timed apart
    began = time.perf_counter()
    members = source.members
    generated = time.perf_counter() - began
    began = time.perf_counter()
    some = source.prices([f"S{i:04d}" for i in range(1, 251)], START, END)
    served = time.perf_counter() - began
    held = source.constituents(FUNDS, START, END)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n3,000 members per index: generated in {generated:.1f} s; 250 members' prices"
        f" ({len(some):,} rows) served in {served:.1f} s; {len(held):,} holdings rows;"
        f" process peak memory {peak:,.0f} MB"
    )
    assert {f: m.close.shape[1] for f, m in members.items()} == {"^GSPC": 3000, "^RUT": 3000}
    assert held.groupby(["fund", "date"]).size().eq(3000).all()
