"""Ingest's fetching: each key's window (its last loaded date minus the overlap), failures that
stop no other key, histories re-based at the source, and when a member's prices are current."""

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from dagster_project.ingest import _is_current, fetch_keys
from dagster_project.ingest.specs import Window
from dagster_project.sources import FetchError, NotProvided

WINDOW = Window(date(2000, 1, 1), date.today(), overlap_days=10)  # the files source's


class Recorder:
    """A fake fetch that records the window asked for and fails for chosen keys."""

    def __init__(self, fail: dict[str, Exception] | None = None):
        self.calls: dict[str, tuple[date, date]] = {}
        self.fail = fail or {}

    def __call__(self, key: str, start: date, end: date) -> pd.DataFrame:
        self.calls[key] = (start, end)
        if key in self.fail:
            raise self.fail[key]
        return pd.DataFrame({"symbol": [key], "date": [pd.Timestamp(start)], "close": [1.0]})


def test_each_key_is_fetched_from_its_last_date_minus_the_overlap():
    fetch = Recorder()
    last = {"IWM": date(2026, 1, 20), "SPY": date(2000, 1, 5)}
    fetch_keys(fetch, ["IWM", "SPY", "IJR"], last, WINDOW)
    assert fetch.calls["IWM"][0] == date(2026, 1, 10)  # 20 Jan - 10 days
    assert fetch.calls["SPY"][0] == date(2000, 1, 1)  # never before the start date
    assert fetch.calls["IJR"][0] == date(2000, 1, 1)  # never loaded: from the start


def test_a_monthly_series_is_read_again_five_years_back_for_its_revisions():
    fetch = Recorder()
    last = {"UNRATE": date(2026, 5, 1), "DGS10": date(2026, 6, 29)}
    fetch_keys(fetch, ["UNRATE", "DGS10"], last, WINDOW)
    # 1 May 2026 - 1,861 days (5 x 366 + 31): 1,826 days to 1 May 2021, then 35 more
    assert fetch.calls["UNRATE"][0] == date(2021, 3, 27)
    assert fetch.calls["DGS10"][0] == date(2026, 6, 19)  # a daily series: the 10 days


def test_a_failing_key_does_not_stop_the_others():
    fetch = Recorder(
        fail={
            "IWM": FetchError("IWM", "http://127.0.0.1/x", "HTTP 503 after 3 tries"),
            "RSP": NotProvided("RSP", "invesco", "no live provider"),
        }
    )
    fetched = fetch_keys(fetch, ["IWM", "SPY", "RSP"], {}, WINDOW)
    assert [f["symbol"].iloc[0] for f in fetched.frames] == ["SPY"]
    assert fetched.failed == {"IWM": "IWM: HTTP 503 after 3 tries (http://127.0.0.1/x)"}
    assert list(fetched.not_provided) == ["RSP"]


class History:
    """A fake prices fetch serving a fixed history, recording the start of every window."""

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.starts = frame, []

    def __call__(self, key: str, start: date, end: date) -> pd.DataFrame:
        self.starts.append(start)
        days = self.frame["date"]
        return self.frame[(days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))]


def test_a_history_changed_before_its_last_day_is_fetched_again_whole():
    days = pd.bdate_range("2026-01-02", "2026-01-30")
    loaded = pd.DataFrame({"symbol": "IWM", "date": days, "close": 100.0, "adj_close": 99.0})
    stored = loaded[days >= "2026-01-20"].assign(last_date=pd.Timestamp("2026-01-30"))
    last = {"IWM": date(2026, 1, 30)}
    overlap = [date(2026, 1, 20)]  # 30 Jan - 10 days

    def fetched_with(history: pd.DataFrame) -> tuple[History, object]:
        fetch = History(history)
        return fetch, fetch_keys(fetch, ["IWM"], last, WINDOW, stored=stored)

    # the same history: only the overlap is fetched
    fetch, fetched = fetched_with(loaded)
    assert fetch.starts == overlap and fetched.rebased == []
    # only the last day's close changed (it was a partial day's): the overlap is enough
    fetch, fetched = fetched_with(loaded.assign(close=np.where(days == days[-1], 101.0, 100.0)))
    assert fetch.starts == overlap and fetched.rebased == []
    # a dividend went ex on 29 Jan: every earlier adjusted close scaled by 0.99
    rebased = loaded.assign(adj_close=np.where(days < "2026-01-29", 99.0 * 0.99, 99.0))
    fetch, fetched = fetched_with(rebased)
    assert fetch.starts == [*overlap, date(2000, 1, 1)]  # then from the start date
    assert fetched.rebased == ["IWM"] and len(fetched.frames[0]) == len(days)
    # a 2:1 split on 29 Jan: every earlier close halved
    split = loaded.assign(close=np.where(days < "2026-01-29", 50.0, 100.0))
    fetch, fetched = fetched_with(split)
    assert fetched.rebased == ["IWM"] and len(fetched.frames[0]) == len(days)


def test_a_fallback_without_adjusted_closes_keeps_the_stored_ones():
    """Stooq gives no adjusted close: a history loaded from Yahoo (adj_close = close x 0.98)
    is neither taken as re-based nor erased; its new days get the last stored adjustment."""
    days = pd.bdate_range("2026-01-19", "2026-02-02")
    stored = pd.DataFrame(
        {
            "symbol": "IWM",
            "date": days[:-1],
            "close": [200.0 + i for i in range(len(days) - 1)],
            "last_date": days[-2],
        }
    )
    stored["adj_close"] = stored["close"] * 0.98
    stored.loc[stored.index[-1], "adj_close"] = stored["close"].iloc[-1] * 0.99  # ex on 30 Jan
    stooq = pd.DataFrame(
        {"symbol": "IWM", "date": days, "close": [200.0 + i for i in range(len(days))]}
    ).assign(adj_close=np.nan)
    fetch = History(stooq)
    fetched = fetch_keys(fetch, ["IWM"], {"IWM": date(2026, 1, 30)}, WINDOW, stored=stored)
    assert fetched.rebased == [] and fetch.starts == [date(2026, 1, 20)]
    (frame,) = fetched.frames
    adjusted = frame.set_index("date")["adj_close"]
    assert adjusted[pd.Timestamp("2026-01-20")] == 201.0 * 0.98  # a stored day: as stored
    assert adjusted[pd.Timestamp("2026-01-30")] == 209.0 * 0.99
    # a new day: the last adjustment (0.99, of 30 Jan)
    assert adjusted[pd.Timestamp("2026-02-02")] == pytest.approx(210.0 * 0.99, rel=1e-12)
    # an index has no adjusted closes at all: nothing to fill
    index = stooq.assign(symbol="^RUT")
    stored_index = stored.assign(symbol="^RUT", adj_close=np.nan)
    fetched = fetch_keys(
        History(index), ["^RUT"], {"^RUT": date(2026, 1, 30)}, WINDOW, stored=stored_index
    )
    assert fetched.frames[0]["adj_close"].isna().all()


def test_when_a_members_prices_are_current():
    jan = [date(2026, 1, d) for d in range(1, 32)]
    asked = datetime(2026, 1, 20, 23, 0)
    # held today: current once its prices reach the instruments' latest date
    assert _is_current(jan[19], jan[19], None, asked)
    assert not _is_current(jan[18], jan[19], None, asked)
    # left on the 15th: current once its prices reach that day
    assert _is_current(jan[14], jan[19], jan[14], asked)
    # ... or once the source, asked a week or more after its last price, had nothing newer
    assert _is_current(jan[12], jan[19], jan[14], asked)  # asked 7 days after the 13th
    assert not _is_current(jan[13], jan[19], jan[14], asked)  # 6 days: maybe only late
    assert not _is_current(jan[12], jan[19], jan[14], None)  # never received
    # a member still held is not "ended" by a stale price: it may be halted, and is asked again
    assert not _is_current(jan[12], jan[19], None, asked)
    assert not _is_current(None, jan[19], None, asked)
