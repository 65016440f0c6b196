"""The sample source: contracts, determinism and the realism of the synthetic market.

Every statistic is computed here, independently, from the frames the source returns.
"""

from __future__ import annotations

import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dagster_project import reference
from dagster_project.sources.calendar import trading_days
from dagster_project.sources.sample import SampleSource

START, END = date(1995, 1, 1), date(2026, 6, 30)
SYMBOLS = reference.symbols()
ETFS = reference.symbols("etf")
SERIES = reference.series_ids()
COLUMNS = {
    "prices": ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume"],
    "etf_shares": ["symbol", "date", "shares_outstanding", "nav", "total_net_assets"],
    "macro": ["series_id", "date", "realtime_start", "value", "realtime_kind"],
    "valuations": ["symbol", "date", "metric", "value"],
}
KEYS = {
    "prices": ["symbol", "date"],
    "etf_shares": ["symbol", "date"],
    "macro": ["series_id", "date", "realtime_start"],
    "valuations": ["symbol", "date", "metric"],
}


def _fetch(source: SampleSource, table: str, start=START, end=END) -> pd.DataFrame:
    names = SERIES if table == "macro" else SYMBOLS
    return getattr(source, table)(names, start, end)


@pytest.fixture(scope="module")
def source() -> SampleSource:
    return SampleSource()


@pytest.fixture(scope="module")
def frames(source: SampleSource) -> dict[str, pd.DataFrame]:
    return {table: _fetch(source, table) for table in COLUMNS}


@pytest.fixture(scope="module")
def closes(frames) -> pd.DataFrame:
    return frames["prices"].pivot(index="date", columns="symbol", values="close")


@pytest.fixture(scope="module")
def log_returns(closes) -> pd.DataFrame:
    return np.log(closes[["^GSPC", "^RUT"]]).diff().dropna()


@pytest.fixture(scope="module")
def macro(frames) -> dict[str, pd.Series]:
    """Each series' latest vintages (the final values): rows are by realtime_start."""
    m = frames["macro"].drop_duplicates(["series_id", "date"], keep="last")
    return {sid: g.set_index("date")["value"] for sid, g in m.groupby("series_id")}


def _longest_run(flags: np.ndarray) -> int:
    best = current = 0
    for flag in flags:
        current = current + 1 if flag else 0
        best = max(best, current)
    return best


# --- determinism ----------------------------------------------------------------------------------


def test_same_seed_same_frames(frames) -> None:
    other = SampleSource(seed=42, end=END)
    for table, frame in frames.items():
        pd.testing.assert_frame_equal(_fetch(other, table), frame)


def test_different_seed_differs(closes) -> None:
    other = SampleSource(seed=7).prices(["^GSPC"], START, END).set_index("date")["close"]
    assert other.index.equals(closes.index)
    assert not np.allclose(other.to_numpy(), closes["^GSPC"].to_numpy())


def test_sub_range_is_the_slice_of_the_full_range(source, frames) -> None:
    start, end = date(2008, 9, 1), date(2009, 3, 31)
    for table, names in (("prices", ["IWM", "^GSPC"]), ("macro", ["DGS2", "UNRATE"])):
        part = getattr(source, table)(names, start, end)
        full = frames[table]
        key = KEYS[table][0]
        expected = full[
            full[key].isin(names)
            & (full["date"] >= pd.Timestamp(start))
            & (full["date"] <= pd.Timestamp(end))
        ].reset_index(drop=True)
        assert len(part) > 0
        pd.testing.assert_frame_equal(part, expected)


def test_an_earlier_end_gives_the_same_history(closes) -> None:
    early = SampleSource(end=date(2015, 12, 31))
    prices = early.prices(SYMBOLS, START, END)
    assert prices["date"].max() == pd.Timestamp("2015-12-31")
    early_closes = prices.pivot(index="date", columns="symbol", values="close")
    pd.testing.assert_frame_equal(early_closes, closes.loc[:"2015-12-31"])


def test_generation_is_fast() -> None:
    began = time.perf_counter()
    SampleSource(seed=3).prices(["^GSPC"], START, END)
    assert time.perf_counter() - began < 2.0


# --- contracts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", list(COLUMNS))
def test_frames_follow_the_raw_contract(frames, table: str) -> None:
    frame = frames[table]
    assert list(frame.columns) == COLUMNS[table]
    assert len(frame) > 0
    dtype = frame["date"].dtype
    assert str(dtype) in ("datetime64[ns]", "datetime64[us]")
    assert (frame["date"] == frame["date"].dt.normalize()).all()
    keys = KEYS[table]
    assert not frame.duplicated(keys).any()
    assert frame.equals(frame.sort_values(keys).reset_index(drop=True))
    nullable = {"adj_close", "open", "high", "low"}
    for column in frame.columns:
        if column not in nullable:
            assert frame[column].notna().all(), column


def test_unknown_names_raise(source) -> None:
    with pytest.raises(ValueError, match="NOPE"):
        source.prices(["SPY", "NOPE"], START, END)
    with pytest.raises(ValueError, match="NOPE"):
        source.etf_shares(["NOPE"], START, END)
    with pytest.raises(ValueError, match="NOT_A_SERIES"):
        source.macro(["DGS2", "NOT_A_SERIES"], START, END)
    with pytest.raises(ValueError, match="NOPE"):
        source.valuations(["NOPE"], START, END)


def test_prices_cover_every_symbol_on_trading_days(frames) -> None:
    prices = frames["prices"]
    inception = reference.instruments().set_index("symbol")["inception_date"]
    for symbol in SYMBOLS:
        first = max(pd.Timestamp(inception[symbol]), pd.Timestamp("1995-01-03"))
        expected = trading_days(first.date(), END)
        got = pd.DatetimeIndex(prices.loc[prices["symbol"] == symbol, "date"])
        assert got.equals(expected), symbol


def test_nothing_after_end() -> None:
    end = date(2020, 3, 15)
    short = SampleSource(end=end)
    for table in COLUMNS:
        frame = _fetch(short, table, end=date(2030, 1, 1))
        assert frame["date"].max() <= pd.Timestamp(end), table
    macro = _fetch(short, "macro", end=date(2030, 1, 1))
    assert macro["realtime_start"].max() <= pd.Timestamp(end)  # nothing published after it
    # March 2020's unemployment rate came out on April 3: at the end only February's is out
    assert macro.loc[macro["series_id"] == "UNRATE", "date"].max() == pd.Timestamp("2020-02-01")
    valuations = _fetch(short, "valuations", end=date(2030, 1, 1))
    assert valuations["date"].max() == pd.Timestamp("2020-02-28")


# --- prices ---------------------------------------------------------------------------------------


def test_ohlc_is_consistent_and_volume_positive(frames) -> None:
    p = frames["prices"]
    assert (p["high"] >= p[["open", "close"]].max(axis=1)).all()
    assert (p["low"] <= p[["open", "close"]].min(axis=1)).all()
    assert (p[["open", "high", "low", "close"]] > 0).all().all()
    assert pd.api.types.is_integer_dtype(p["volume"])
    assert (p["volume"] > 0).all()


def test_start_levels(closes) -> None:
    assert 430 <= closes["^GSPC"].iloc[0] <= 490
    assert 230 <= closes["^RUT"].iloc[0] <= 270


def test_volatility_correlation_and_fat_tails(log_returns) -> None:
    vol = log_returns.std() * np.sqrt(252)
    assert 0.14 <= vol["^GSPC"] <= 0.23
    assert 0.18 <= vol["^RUT"] <= 0.29
    assert vol["^RUT"] > vol["^GSPC"]
    assert 0.80 <= log_returns.corr().loc["^GSPC", "^RUT"] <= 0.93
    kurtosis = log_returns.kurt()  # excess kurtosis
    assert kurtosis["^GSPC"] > 3
    assert kurtosis["^RUT"] > 3
    mean = log_returns.mean() * 252
    assert (mean > 0.02).all() and (mean < 0.12).all()


def test_spread_volatility(closes) -> None:
    simple = closes[["^GSPC", "^RUT"]].pct_change().dropna()
    spread_bps = (simple["^RUT"] - simple["^GSPC"]).std() * 10_000
    assert 50 <= spread_bps <= 100


def test_drawdowns(closes) -> None:
    for symbol in ("^GSPC", "^RUT"):
        level = closes[symbol]
        assert -0.75 <= (level / level.cummax() - 1).min() <= -0.35, symbol


def test_leadership_alternates_in_multi_year_stretches(closes) -> None:
    yearly = closes[["^GSPC", "^RUT"]].pct_change(252).dropna()
    small_leads = (yearly["^RUT"] > yearly["^GSPC"]).to_numpy()
    assert 0.3 <= small_leads.mean() <= 0.7
    assert _longest_run(small_leads) >= 252
    assert _longest_run(~small_leads) >= 252


def test_etfs_track_their_indices(closes) -> None:
    r = np.log(closes).diff()
    assert r["SPY"].corr(r["^GSPC"]) > 0.99
    assert r["IVV"].corr(r["^GSPC"]) > 0.99
    assert r["IWM"].corr(r["^RUT"]) > 0.99
    assert 0.93 <= r["IJR"].corr(r["^RUT"]) <= 0.995
    assert 0.90 <= r["RSP"].corr(r["^GSPC"]) <= 0.99
    for etf, index in (("SPY", "^GSPC"), ("IVV", "^GSPC"), ("IWM", "^RUT")):
        ratio = (closes[etf] / closes[index]).dropna()
        assert ratio.between(0.085, 0.115).all(), etf


def test_adjusted_close(frames) -> None:
    p = frames["prices"]
    assert p.loc[p["symbol"].str.startswith("^"), "adj_close"].isna().all()
    for symbol in ETFS:
        etf = p[p["symbol"] == symbol].set_index("date")
        assert etf["adj_close"].notna().all(), symbol
        assert etf["adj_close"].iloc[-1] == etf["close"].iloc[-1], symbol
        assert (etf["adj_close"] <= etf["close"] + 1e-9).all(), symbol
        early = etf.iloc[:-100]  # a quarter or more before the end: a dividend still to come
        assert (early["adj_close"] < early["close"]).all(), symbol
        years = (etf.index[-1] - etf.index[0]).days / 365.25
        total = np.log(etf["adj_close"].iloc[-1] / etf["adj_close"].iloc[0])
        price = np.log(etf["close"].iloc[-1] / etf["close"].iloc[0])
        assert 0.008 <= (total - price) / years <= 0.025, symbol  # the dividend yield


# --- ETF shares -----------------------------------------------------------------------------------


def test_etf_shares(frames, closes) -> None:
    shares = frames["etf_shares"]
    assert sorted(shares["symbol"].unique()) == sorted(ETFS)
    assert (shares["shares_outstanding"] > 0).all()
    np.testing.assert_allclose(
        shares["total_net_assets"], shares["shares_outstanding"] * shares["nav"], rtol=1e-6
    )
    for symbol, g in shares.groupby("symbol"):
        s = g.set_index("date")["shares_outstanding"]
        change = s.diff().dropna()
        assert (change % 50_000 == 0).all(), symbol
        assert 0.3 <= (change != 0).mean() <= 0.95, symbol
        premium = g.set_index("date")["nav"] / closes[symbol].loc[s.index] - 1
        assert premium.abs().max() < 0.005, symbol
    last = shares.groupby("symbol")["shares_outstanding"].last()
    assert 1e8 <= last["SPY"] <= 3e9
    assert 3e7 <= last["IWM"] <= 6e8


# --- macro ----------------------------------------------------------------------------------------


def test_every_series_is_present(macro) -> None:
    assert sorted(macro) == sorted(SERIES)


def test_fed_target_series_switch_in_december_2008(macro) -> None:
    single, upper, lower = macro["DFEDTAR"], macro["DFEDTARU"], macro["DFEDTARL"]
    assert single.index.max() == pd.Timestamp("2008-12-15")
    assert upper.index.min() == pd.Timestamp("2008-12-16")
    assert lower.index.equals(upper.index)
    for series in (single, upper, macro["DFF"]):  # every calendar day
        assert (series.index.to_series().diff().dropna() == pd.Timedelta(days=1)).all()
    assert upper.index.max() == pd.Timestamp(END)
    np.testing.assert_allclose(upper - lower, 0.25)
    target = pd.concat([single, upper])
    assert ((target * 4) % 1 == 0).all()  # 25-bp steps
    assert target.min() <= 1.5 and target.max() >= 4.0  # deep easing, real hiking cycles
    assert target.min() >= 0.25  # the zero lower bound: a 0-0.25 range at most
    moves = target.diff().dropna()
    assert (moves > 0).sum() >= 4 and (moves < 0).sum() >= 4


def test_fed_cuts_in_crashes(macro, closes) -> None:
    level = closes["^GSPC"]
    trough = (level / level.cummax() - 1).idxmin()
    peak = level.loc[:trough].idxmax()
    target = pd.concat([macro["DFEDTAR"], macro["DFEDTARU"]])
    if target.asof(peak) > 0.25:  # unless already at the zero lower bound
        assert target.asof(trough) < target.asof(peak)


def test_effective_rate_stays_near_the_target(macro) -> None:
    dff = macro["DFF"]
    single = dff.loc[:"2008-12-15"] - macro["DFEDTAR"]
    assert single.abs().median() < 0.15
    after = dff.loc["2008-12-16":]  # (the last day's rate is out the next day: not at the end)
    lower, upper = macro["DFEDTARL"].reindex(after.index), macro["DFEDTARU"].reindex(after.index)
    inside = (after >= lower - 1e-9) & (after <= upper + 1e-9)
    assert inside.all()


def test_treasury_yields_and_high_yield_spread(macro, closes) -> None:
    for sid in ("DGS2", "DGS10", "BAMLH0A0HYM2"):
        assert (macro[sid].index.day_of_week < 5).all(), sid  # business days only
        assert ((macro[sid] * 100).round(6) % 1 == 0).all(), sid  # two decimals
    slope = macro["DGS10"] - macro["DGS2"]
    assert -1.2 <= slope.min() and slope.max() <= 3.0
    assert slope.min() < 0 < slope.max()
    hy = macro["BAMLH0A0HYM2"]
    assert 2.0 <= hy.min() and hy.max() <= 25
    level = closes["^GSPC"]
    drawdown = (level / level.rolling(252, min_periods=1).max() - 1).reindex(hy.index).ffill()
    assert hy[drawdown < -0.2].mean() > 1.5 * hy[drawdown > -0.05].mean()


def test_unemployment(macro) -> None:
    u = macro["UNRATE"]
    assert (u.index.day == 1).all()
    assert pd.Timestamp("2025-10-01") not in u.index  # never published
    assert pd.Timestamp("2025-09-01") in u.index and pd.Timestamp("2025-11-01") in u.index
    assert ((u * 10).round(6) % 1 == 0).all()
    assert 3.0 <= u.min() <= 4.5 and 6.0 <= u.max() <= 12.0


def test_consumer_prices(macro) -> None:
    for sid in ("CPIAUCSL", "CPILFESL"):
        cpi = macro[sid]
        assert (cpi.index.day == 1).all()
        assert len(cpi) == (2026 - 1995) * 12 + 5  # June 2026's comes out July 15: after END
        assert 140 <= cpi.iloc[0] <= 170
        years = (cpi.index[-1] - cpi.index[0]).days / 365.25
        assert 0.012 <= np.log(cpi.iloc[-1] / cpi.iloc[0]) / years <= 0.04, sid
    headline = np.log(macro["CPIAUCSL"]).diff().std()
    core = np.log(macro["CPILFESL"]).diff().std()
    assert core < headline


# --- valuations -----------------------------------------------------------------------------------


def test_valuations_are_monthly_at_month_end(frames) -> None:
    v = frames["valuations"]
    assert sorted(v["symbol"].unique()) == ["^GSPC", "^RUT"]
    assert sorted(v["metric"].unique()) == ["forward_pe", "trailing_pe"]
    days = trading_days(START, END).to_series()
    month_ends = pd.DatetimeIndex(days.groupby(days.dt.to_period("M")).max())
    for _, g in v.groupby(["symbol", "metric"]):
        assert pd.DatetimeIndex(g["date"]).equals(month_ends)


def test_forward_pe_levels_and_relative_valuation(frames, closes) -> None:
    v = frames["valuations"]
    fwd = v[v["metric"] == "forward_pe"].pivot(index="date", columns="symbol", values="value")
    assert fwd["^GSPC"].between(9, 28).all()
    assert fwd["^RUT"].between(9, 33).all()
    assert fwd["^RUT"].iloc[-1] < fwd["^GSPC"].iloc[-1]  # small caps cheaper by the end
    assert (fwd["^RUT"] / fwd["^GSPC"]).loc["2023":].mean() < 1
    assert (fwd["^RUT"] / fwd["^GSPC"]).loc[:"2012"].mean() > 1
    # P/E moves with price: EPS is smooth
    monthly_price = np.log(closes["^GSPC"].reindex(fwd.index)).diff()
    assert np.log(fwd["^GSPC"]).diff().corr(monthly_price) > 0.5
