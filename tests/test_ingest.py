"""Ingest: incremental windows per key, and the files source end to end through the assets."""

from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from dagster import AssetCheckSeverity, AssetKey, instance_for_test, materialize
from support.holdings_csv import SMALL_ROWS, holdings_csv

from dagster_project import quality
from dagster_project.ingest import fetch_keys, ingest_assets
from dagster_project.reference import stale_instruments
from dagster_project.resources import RotationSettings, build_resources, settings_from_env
from dagster_project.sources import FetchError, NotProvided

SETTINGS = RotationSettings(source="files", start_date="2000-01-01", overlap_days=10)


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
    fetch_keys(fetch, ["IWM", "SPY", "IJR"], last, SETTINGS)
    assert fetch.calls["IWM"][0] == date(2026, 1, 10)  # 20 Jan - 10 days
    assert fetch.calls["SPY"][0] == date(2000, 1, 1)  # never before the start date
    assert fetch.calls["IJR"][0] == date(2000, 1, 1)  # never loaded: from the start


def test_a_monthly_series_is_read_again_five_years_back_for_its_revisions():
    fetch = Recorder()
    last = {"UNRATE": date(2026, 5, 1), "DGS10": date(2026, 6, 29)}
    fetch_keys(fetch, ["UNRATE", "DGS10"], last, SETTINGS)
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
    fetched = fetch_keys(fetch, ["IWM", "SPY", "RSP"], {}, SETTINGS)
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
        return fetch, fetch_keys(fetch, ["IWM"], last, SETTINGS, stored=stored)

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
    fetched = fetch_keys(fetch, ["IWM"], {"IWM": date(2026, 1, 30)}, SETTINGS, stored=stored)
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
        History(index), ["^RUT"], {"^RUT": date(2026, 1, 30)}, SETTINGS, stored=stored_index
    )
    assert fetched.frames[0]["adj_close"].isna().all()


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def load_prices(settings: RotationSettings, **config):
    prices = next(a for a in ingest_assets if a.key.to_user_string() == "raw/prices")
    run_config = {"ops": {"raw__prices": {"config": config}}} if config else None
    return materialize(
        [prices], resources=build_resources(settings), raise_on_error=False, run_config=run_config
    )


def completeness(result, name: str = "all_keys_loaded"):
    """The evaluation of one asset check of a run (raw/prices has two)."""
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == name]
    return check


def last_load(settings: RotationSettings) -> dict:
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        return (
            con.execute("select * from raw.load_log order by started_at desc limit 1")
            .df()
            .iloc[0]
            .to_dict()
        )


@pytest.fixture
def files_settings(tmp_path) -> RotationSettings:
    data = tmp_path / "drop"
    write(
        data / "prices" / "IWM.csv",
        "Date,Open,High,Low,Close,Adj Close,Volume\r\n"
        "2026-01-06,200,202,199,201,200.5,1000\r\n"
        "2026-01-05,199,201,198,200,199.5,900\r\n",  # CRLF, unsorted
    )
    write(data / "prices" / "^RUT.csv", "\ufeffDate,Close\n2026-01-05,2500\n2026-01-06,n/a\n")
    write(data / "prices" / "QQQ.csv", "Date,Close\n2026-01-05,500\n")  # not an instrument
    return RotationSettings(
        source="files",
        data_dir=str(data),
        warehouse=str(tmp_path / "w.duckdb"),
        start_date="2026-01-01",
    )


def test_files_load_quarantines_bad_cells_and_reports_missing_and_unknown_files(files_settings):
    result = load_prices(files_settings)
    assert result.success  # missing files (no SPY.csv) and unknown files do not fail the load
    (materialization,) = result.asset_materializations_for_node("raw__prices")
    meta = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
    assert (meta["rows_inserted"], meta["rows_quarantined"]) == (3, 1)  # ^RUT's "n/a"
    assert meta["keys_loaded"] == "IWM, ^RUT"
    check = completeness(result)
    assert check.passed
    assert "prices/QQQ.csv: QQQ is not in dbt_models/seeds/instruments.csv" in (
        check.metadata["files_ignored"].value
    )
    assert "no file prices/SPY.csv" in check.metadata["not_provided_by_source"].value


def test_files_reload_updates_revisions_and_counts_them(files_settings):
    assert load_prices(files_settings).success
    data = files_settings.data_dir
    write(
        Path(data) / "prices" / "IWM.csv",
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2026-01-05,199,201,198,200,199.5,900\n"
        "2026-01-06,200,202,199,201.25,200.75,1000\n"  # revised close
        "2026-01-07,201,204,200,203,202.5,1100\n",  # a new day
    )
    assert load_prices(files_settings).success
    log = last_load(files_settings)
    # IWM: 01-07 new, 01-06 revised, 01-05 as before; ^RUT: one row as before, one quarantined
    assert (log["rows_inserted"], log["rows_updated"], log["rows_unchanged"]) == (1, 1, 2)
    assert log["rows_quarantined"] == 1


def prices_csv(path: Path, days: pd.DatetimeIndex, adj_close: np.ndarray) -> None:
    lines = ["Date,Open,High,Low,Close,Adj Close,Volume"] + [
        f"{day:%Y-%m-%d},100,102,99,101,{adj:.6f},1000"
        for day, adj in zip(days, adj_close, strict=True)
    ]
    write(path, "\n".join(lines) + "\n")


def test_a_redownloaded_file_with_a_rebased_history_replaces_the_whole_history(files_settings):
    # a month of IWM, then the file downloaded again the day after a dividend went ex: a new
    # day, and every earlier Adj Close scaled by 0.99, far beyond the 10-day overlap. The file
    # changed, so it is read whole anyway (not found re-based from its overlap)
    path = Path(files_settings.data_dir) / "prices" / "IWM.csv"
    days = pd.bdate_range("2026-01-02", "2026-02-13")
    adj_close = np.linspace(95.0, 100.0, len(days))
    prices_csv(path, days[:-1], adj_close[:-1])
    assert load_prices(files_settings).success
    prices_csv(path, days, np.append(adj_close[:-1] * 0.99, adj_close[-1]))
    result = load_prices(files_settings)
    assert result.success
    (materialization,) = result.asset_materializations_for_node("raw__prices")
    assert materialization.metadata["reloaded_whole"].value == "IWM (prices/IWM.csv changed)"
    assert materialization.metadata["fetched_again_whole"].value == "none"
    with duckdb.connect(files_settings.warehouse_path, read_only=True) as con:
        stored = con.execute(
            "select adj_close from raw.prices where symbol = 'IWM' order by date"
        ).fetchall()
    expected = np.append(adj_close[:-1] * 0.99, adj_close[-1]).round(6)
    assert np.allclose([a for (a,) in stored], expected, rtol=0, atol=1e-9)
    log = last_load(files_settings)
    assert (log["rows_inserted"], log["rows_updated"]) == (1, len(days) - 1)


def test_conflicting_duplicate_dates_fail_the_file_and_change_nothing(files_settings):
    assert load_prices(files_settings).success
    with duckdb.connect(files_settings.warehouse_path, read_only=True) as con:
        before = con.execute("select * from raw.prices order by all").df()
    write(
        Path(files_settings.data_dir) / "prices" / "IWM.csv",
        "Date,Close\n2026-01-05,200\n2026-01-05,250\n2026-01-06,999\n",
    )
    result = load_prices(files_settings, full_refresh=True)
    assert not result.success
    check = completeness(result)
    assert check.description == "failed: IWM"
    assert (
        "IWM.csv" in check.metadata["failed"].value
        and "2026-01-05" in check.metadata["failed"].value
    )
    with duckdb.connect(files_settings.warehouse_path, read_only=True) as con:
        after = con.execute("select * from raw.prices order by all").df()
    pd.testing.assert_frame_equal(after, before)


# --- constituents and member prices ---------------------------------------------------------------


def files_at(data: Path, tmp_path: Path, start_date: str = "2026-01-01") -> RotationSettings:
    """The files source on the folder ``data``, with a warehouse in ``tmp_path``."""
    return RotationSettings(
        source="files",
        data_dir=str(data),
        warehouse=str(tmp_path / "w.duckdb"),
        start_date=start_date,
    )


def by_key(key: str):
    return next(a for a in ingest_assets if a.key.to_user_string() == key)


def materialization(result, node: str) -> dict:
    (event,) = result.asset_materializations_for_node(node)
    return {k: getattr(v, "value", v) for k, v in event.metadata.items()}


def test_prices_depend_on_constituents_and_warn_on_members():
    prices = by_key("raw/prices")
    assert AssetKey(["raw", "constituents"]) in prices.asset_deps[AssetKey(["raw", "prices"])]
    specs = {spec.name: spec for spec in prices.check_specs}
    assert specs["all_keys_loaded"].blocking and not specs["all_members_loaded"].blocking
    assert not specs["instruments_current"].blocking
    # a load is validated before it is written: the raw suite and plausibility block
    assert specs["expectations_raw_prices"].blocking and specs["plausible_against_history"].blocking
    assert not specs["nothing_quarantined"].blocking
    assert [s.name for s in by_key("raw/constituents").check_specs] == [
        "all_keys_loaded",
        "expectations_raw_constituents",
        "nothing_quarantined",
    ]


@pytest.fixture
def sample_settings(tmp_path) -> RotationSettings:
    return RotationSettings(
        warehouse=str(tmp_path / "w.duckdb"), sample_members=20, batch_symbols=15
    )


def query(settings: RotationSettings, sql: str) -> pd.DataFrame:
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        return con.sql(sql).df()


def test_sample_constituents_and_member_prices_load(sample_settings):
    both = [by_key("raw/constituents"), by_key("raw/prices")]
    result = materialize(both, resources=build_resources(sample_settings))
    assert result.success
    held = query(sample_settings, "select * from raw.constituents")
    assert held.groupby("fund")["symbol"].nunique().to_dict() == {"^GSPC": 20, "^RUT": 20}
    assert held["date"].nunique() == 378  # month-ends from January 1995 to June 2026
    assert (held["source"] == "sample").all()
    prices = query(sample_settings, "select symbol, count(*) n from raw.prices group by 1")
    rows = prices.set_index("symbol")["n"]
    assert rows["L0020"] == rows["S0001"] == rows["^GSPC"]
    assert len(rows) == 7 + 40
    loads = query(
        sample_settings,
        "select len(keys) n from raw.load_log where table_name = 'raw.prices' order by started_at",
    )
    assert loads["n"].tolist() == [7, 15, 15, 10]  # instruments, then members in batches of 15
    meta = materialization(result, "raw__prices")
    assert (meta["members"], meta["members_current"], meta["loads"]) == (40, 0, 4)
    assert meta["dagster/row_count"] == rows.sum()
    # the raw suites pass on what was loaded
    for suite, table in (("raw_constituents", held), ("raw_prices", None)):
        frame = table if table is not None else query(sample_settings, "select * from raw.prices")
        assert [o.describe() for o in quality.validate(frame, suite) if not o.success] == []

    again = materialize(both, resources=build_resources(sample_settings))
    meta = materialization(again, "raw__prices")
    assert (meta["members_current"], meta["rows_inserted"], meta["loads"]) == (40, 0, 1)
    assert materialization(again, "raw__constituents")["rows_inserted"] == 0


def test_fewer_sample_members_leave_the_latest_snapshot(sample_settings):
    both = [by_key("raw/constituents"), by_key("raw/prices")]
    assert materialize(both, resources=build_resources(sample_settings)).success
    fewer = RotationSettings(warehouse=sample_settings.warehouse, sample_members=10)
    result = materialize(both, resources=build_resources(fewer))
    assert result.success
    assert materialization(result, "raw__constituents")["rows_deleted"] == 20  # 10 per index
    latest = query(
        sample_settings,
        "select fund, count(*) n, sum(weight) w from raw.constituents"
        " where date = '2026-06-30' group by 1 order by 1",
    )
    assert latest["n"].tolist() == [10, 10]
    assert latest["w"].round(12).tolist() == [1.0, 1.0]
    # the 20 that left are still members of the earlier snapshots, priced to the day they left
    meta = materialization(result, "raw__prices")
    assert (meta["members"], meta["members_current"]) == (40, 40)


def test_files_holdings_and_member_prices(tmp_path):
    data = tmp_path / "drop"
    write(data / "holdings" / "IWM_holdings.csv", holdings_csv("Jan 06, 2026"))
    write(data / "holdings" / "IJH_holdings.csv", holdings_csv("Jan 06, 2026"))  # not a seed ETF
    for symbol in ("IWM", "ACME", "BLUB"):  # no CRNK.csv
        write(data / "prices" / f"{symbol}.csv", "Date,Close\n2026-01-05,10\n2026-01-06,11\n")
    write(data / "prices" / "ZZZ.csv", "Date,Close\n2026-01-05,1\n")
    settings = files_at(data, tmp_path)
    result = materialize(
        [by_key("raw/constituents"), by_key("raw/prices")], resources=build_resources(settings)
    )
    assert result.success
    held = query(settings, "select fund, symbol, weight, shares from raw.constituents order by 2")
    assert held.to_dict("list") == {
        "fund": ["IWM"] * 3,
        "symbol": ["ACME", "BLUB", "CRNK"],
        "weight": [0.6, 0.3, 0.05],
        "shares": [10_000.0, 20_000.0, 1_000.0],
    }
    evaluations = {
        (c.asset_key.to_user_string(), c.check_name): c
        for c in result.get_asset_check_evaluations()
    }
    constituents = evaluations[("raw/constituents", "all_keys_loaded")]
    assert constituents.passed  # IVV and IJR have no file: not provided, not failed
    assert (
        "no file holdings/IJR_holdings.csv" in constituents.metadata["not_provided_by_source"].value
    )
    assert "holdings/IJH_holdings.csv" in constituents.metadata["files_ignored"].value
    members = evaluations[("raw/prices", "all_members_loaded")]  # a warning: the marts go on
    assert not members.passed and members.severity == AssetCheckSeverity.WARN
    assert members.description == "1 of 3 members not provided by the source: CRNK"
    assert "no file prices/CRNK.csv" in members.metadata["not_provided_by_source"].value
    ignored = evaluations[("raw/prices", "all_keys_loaded")].metadata["files_ignored"].value
    assert "prices/ZZZ.csv" in ignored and "ACME" not in ignored
    priced = query(settings, "select distinct symbol from raw.prices order by 1")
    assert priced["symbol"].tolist() == ["ACME", "BLUB", "IWM"]

    # a member's file edited in place is read again (files are never skipped as current)
    write(data / "prices" / "ACME.csv", "Date,Close\n2026-01-05,10\n2026-01-06,11.5\n")
    again = materialize([by_key("raw/prices")], resources=build_resources(settings))
    assert materialization(again, "raw__prices")["rows_updated"] == 1
    assert materialization(again, "raw__prices")["members_current"] == 0

    # a member split 2:1 on 6 Jan, downloaded again with two months of history: every earlier
    # close halved; its file changed, so the history is fetched again whole, not from the overlap
    days = pd.bdate_range("2025-11-03", "2026-01-06")
    closes = [5.0] * (len(days) - 1) + [11.5]
    write(
        data / "prices" / "ACME.csv",
        "Date,Close\n" + "".join(f"{d:%Y-%m-%d},{c}\n" for d, c in zip(days, closes, strict=True)),
    )
    earlier = RotationSettings(
        source="files", data_dir=str(data), warehouse=settings.warehouse, start_date="2025-11-01"
    )
    split = materialize([by_key("raw/prices")], resources=build_resources(earlier))
    assert materialization(split, "raw__prices")["reloaded_whole"] == (
        "ACME (prices/ACME.csv changed)"
    )
    acme = query(settings, "select date, close from raw.prices where symbol = 'ACME' order by 1")
    assert acme["close"].tolist() == closes and len(acme) == len(days)


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


def test_a_price_file_that_stopped_updating_warns(tmp_path):
    data = tmp_path / "drop"
    write(data / "prices" / "^GSPC.csv", "Date,Close\n2026-01-05,6900\n")
    write(data / "prices" / "SPY.csv", "Date,Close\n2026-01-05,690\n2026-01-20,695\n")
    settings = files_at(data, tmp_path)
    result = materialize(
        [by_key("raw/constituents"), by_key("raw/prices")], resources=build_resources(settings)
    )
    assert result.success  # a warning: the marts go on
    (current,) = [
        c for c in result.get_asset_check_evaluations() if c.check_name == "instruments_current"
    ]
    assert not current.passed and current.severity == AssetCheckSeverity.WARN
    assert current.description == "stale: ^GSPC"
    assert "15 days before SPY's (2026-01-20)" in current.metadata["stale"].value


def test_the_sources_warnings_reach_the_run_log(tmp_path):
    """With the instance settings `make run` and `make ui` use, a source's warning (here a
    holdings line repeated cell for cell) is in the run's event log, not only on stderr."""
    instance_yaml = Path(__file__).resolve().parents[1] / "dagster_home" / "dagster.yaml"
    python_logs = yaml.safe_load(instance_yaml.read_text())["python_logs"]
    data = tmp_path / "drop"
    repeated = holdings_csv("Jan 06, 2026", rows=[*SMALL_ROWS, SMALL_ROWS[0]])
    write(data / "holdings" / "IWM_holdings.csv", repeated)
    settings = files_at(data, tmp_path)
    with instance_for_test(overrides={"python_logs": python_logs}) as instance:
        result = materialize(
            [by_key("raw/constituents")], resources=build_resources(settings), instance=instance
        )
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert any("ACME on identical lines" in m and "counted once" in m for m in messages)


def test_an_older_holdings_file_dropped_later_is_loaded(tmp_path):
    data = tmp_path / "drop"
    write(data / "holdings" / "IWM_holdings.csv", holdings_csv("Jun 19, 2026"))
    settings = files_at(data, tmp_path)
    constituents = [by_key("raw/constituents")]
    assert materialize(constituents, resources=build_resources(settings)).success
    write(data / "holdings" / "IWM_holdings_20260529.csv", holdings_csv("May 29, 2026"))
    result = materialize(constituents, resources=build_resources(settings))
    meta = materialization(result, "raw__constituents")
    assert (meta["rows_inserted"], meta["rows_updated"]) == (3, 0)  # May's 3 stocks; June's as is
    dates = query(settings, "select distinct date from raw.constituents order by 1")["date"]
    assert [str(d.date()) for d in dates] == ["2026-05-29", "2026-06-19"]


def test_a_member_that_left_is_priced_from_its_file(tmp_path):
    gone = SMALL_ROWS[0].replace('"ACME"', '"GONE"').replace("ACME WIDGETS", "GONE AWAY")
    data = tmp_path / "drop"
    write(data / "holdings" / "IWM_holdings_0529.csv", holdings_csv("May 29, 2026", rows=[gone]))
    write(data / "holdings" / "IWM_holdings.csv", holdings_csv("Jun 19, 2026"))
    for symbol in ("IWM", "ACME", "BLUB", "CRNK", "GONE"):
        write(data / "prices" / f"{symbol}.csv", "Date,Close\n2026-05-29,10\n2026-06-19,11\n")
    settings = files_at(data, tmp_path)
    result = materialize(
        [by_key("raw/constituents"), by_key("raw/prices")], resources=build_resources(settings)
    )
    prices = {
        c.check_name: c
        for c in result.get_asset_check_evaluations()
        if c.asset_key.to_user_string() == "raw/prices"
    }
    assert prices["all_members_loaded"].passed
    assert "GONE" not in prices["all_keys_loaded"].metadata["files_ignored"].value
    priced = query(settings, "select distinct symbol from raw.prices where symbol = 'GONE'")
    assert len(priced) == 1


def test_a_corrected_file_removes_the_rows_a_wrong_file_left(tmp_path):
    data = tmp_path / "drop"
    settings = files_at(data, tmp_path, start_date="1990-01-01")
    spy = "Date,Close\n1995-01-03,45\n2000-05-26,140\n2000-05-30,141\n"
    write(data / "prices" / "IWM.csv", spy)  # SPY's file saved as IWM's
    assert load_prices(settings).success
    write(data / "prices" / "IWM.csv", "Date,Close\n2000-05-26,90\n2000-05-30,91\n")
    # the file changed: reloaded whole, not from the overlap, so the 1995 row would go: a third
    # of IWM's history, more than a changed file may delete unless the user says so
    refused = load_prices(settings)
    assert not refused.success
    assert "IWM: this load would delete 1 of its 3 stored rows from 1990-01-01 (33%" in (
        completeness(refused).metadata["refused"].value
    )
    assert query(settings, "select count(*) n from raw.prices")["n"].tolist() == [3]
    result = load_prices(settings, allow_shrink=True)
    assert materialization(result, "raw__prices")["rows_deleted"] == 1
    iwm = query(settings, "select date, close from raw.prices where symbol = 'IWM' order by 1")
    assert iwm["close"].tolist() == [90.0, 91.0]
    # a full refresh reads it whole again: nothing left to delete
    result = load_prices(settings, full_refresh=True)
    assert materialization(result, "raw__prices")["rows_deleted"] == 0
    assert materialization(result, "raw__prices")["reloaded_whole"] == "none"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"ROTATION_START_DATE": "01/01/2000"}, "ROTATION_START_DATE='01/01/2000' is not a date"),
        ({"ROTATION_SAMPLE_END": "2026-13-01"}, "ROTATION_SAMPLE_END='2026-13-01' is not a date"),
        ({"ROTATION_OVERLAP_DAYS": "-5"}, "ROTATION_OVERLAP_DAYS=-5 is negative"),
        ({"ROTATION_SOURCE": "file"}, "ROTATION_SOURCE='file' is not a source"),
    ],
)
def test_a_bad_setting_is_named(variables, message):
    with pytest.raises(ValueError, match=message):
        settings_from_env(variables).client()


def test_when_a_members_prices_are_current():
    from dagster_project.ingest import _is_current

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
