"""The warehouse writer: upserts on the key, one transaction per load, a load-log row per load."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dagster_project import warehouse


def prices(closes: dict[str, float], symbol: str = "IWM") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": symbol,
            "date": pd.to_datetime(list(closes)),
            "close": list(closes.values()),
            "adj_close": [c * 0.9 for c in closes.values()],
            "volume": 1000,
        }
    )


def table(con, name="raw.prices") -> pd.DataFrame:
    return con.sql(f"select * from {name} order by all").df()


def test_first_load_inserts_every_row_and_logs_it(con):
    result = warehouse.upsert(
        con, "prices", prices({"2024-01-02": 10.0, "2024-01-03": 11.0}), source="t"
    )
    assert (result.rows_inserted, result.rows_updated, result.rows_unchanged) == (2, 0, 0)
    rows = table(con)
    assert rows["close"].tolist() == [10.0, 11.0]
    assert rows["open"].isna().all()  # columns a provider does not deliver load as null
    log = table(con, "raw.load_log")
    assert len(log) == 1
    assert log.loc[0, "table_name"] == "raw.prices"
    assert (log.loc[0, "rows_inserted"], log.loc[0, "rows_updated"]) == (2, 0)
    assert str(log.loc[0, "min_date"])[:10] == "2024-01-02"
    assert list(log.loc[0, "keys"]) == ["IWM"]


def test_reloading_the_same_rows_changes_nothing(con):
    frame = prices({"2024-01-02": 10.0, "2024-01-03": 11.0})
    warehouse.upsert(con, "prices", frame, source="t")
    before = table(con)
    result = warehouse.upsert(con, "prices", frame, source="t")
    assert (result.rows_inserted, result.rows_updated, result.rows_unchanged) == (0, 0, 2)
    pd.testing.assert_frame_equal(table(con), before)  # loaded_at included


def test_a_revised_value_overwrites_only_its_row(con):
    warehouse.upsert(con, "prices", prices({"2024-01-02": 10.0, "2024-01-03": 11.0}), source="t")
    first_loaded = table(con)["loaded_at"].tolist()
    revised = prices({"2024-01-03": 11.5, "2024-01-04": 12.0})
    result = warehouse.upsert(con, "prices", revised, source="t")
    assert (result.rows_inserted, result.rows_updated, result.rows_unchanged) == (1, 1, 0)
    rows = table(con)
    assert rows["close"].tolist() == [10.0, 11.5, 12.0]
    assert rows["loaded_at"].iloc[0] == first_loaded[0]
    assert rows["loaded_at"].iloc[1] > first_loaded[1]


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda f: pd.concat([f, f.tail(1).assign(close=12.0)]), "share a key but differ"),
        (lambda f: f.assign(symbol=["IWM", None]), "null key"),
        (lambda f: f.drop(columns="close"), "lacks required column"),
    ],
    ids=["conflicting duplicate", "null key", "missing close column"],
)
def test_a_structurally_bad_frame_fails_and_leaves_every_table_as_it_was(con, bad, message):
    warehouse.upsert(con, "prices", prices({"2024-01-02": 10.0}), source="t")
    before, log_before = table(con), table(con, "raw.load_log")
    frame = prices({"2024-01-02": 99.0, "2024-01-03": 11.0})
    with pytest.raises(ValueError, match=message):
        warehouse.upsert(con, "prices", bad(frame), source="t")
    pd.testing.assert_frame_equal(table(con), before)
    pd.testing.assert_frame_equal(table(con, "raw.load_log"), log_before)


def test_an_error_inside_the_transaction_rolls_everything_back(con, monkeypatch):
    warehouse.upsert(con, "prices", prices({"2024-01-02": 10.0}), source="t")
    before, log_before = table(con), table(con, "raw.load_log")

    def fail(*args):
        raise RuntimeError("disk full")

    # the prices are already upserted inside the transaction when the quarantine write fails
    monkeypatch.setattr(warehouse.quarantine, "quarantine_frame", fail)
    frame = prices({"2024-01-02": 99.0, "2024-01-03": -1.0})
    with pytest.raises(RuntimeError, match="disk full"):
        warehouse.upsert(con, "prices", frame, source="t")
    pd.testing.assert_frame_equal(table(con), before)
    pd.testing.assert_frame_equal(table(con, "raw.load_log"), log_before)
    assert table(con, "raw.quarantine").empty


def test_unusable_rows_are_quarantined_with_their_reason_and_counted(con):
    frame = pd.DataFrame(
        {
            "symbol": "IWM",
            "date": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]),
            "close": ["10.5", "n/a", "0", None],
            "adj_close": [10.0, 9.0, 8.0, 7.0],
        }
    )
    result = warehouse.upsert(con, "prices", frame, source="t")
    assert (result.rows_received, result.rows_inserted, result.rows_quarantined) == (4, 1, 3)
    assert table(con)["close"].tolist() == [10.5]
    quarantined = table(con, "raw.quarantine").sort_values("date")
    assert quarantined["reason"].tolist() == [
        "close is not a number",
        "close <= 0",
        "close is missing",
    ]
    assert set(quarantined["key"]) == {"IWM"}
    assert '"close": "n/a"' in quarantined["record"].iloc[0]
    assert (quarantined["load_id"] == result.load_id).all()
    log = table(con, "raw.load_log")
    assert log.loc[0, "rows_quarantined"] == 3
    # the same file again: refused again and counted, but not added to the quarantine twice
    again = warehouse.upsert(con, "prices", frame, source="t")
    assert again.rows_quarantined == 3 and len(table(con, "raw.quarantine")) == 3
    edited = frame.assign(adj_close=[10.0, 9.5, 8.0, 7.0])  # one record differs: it is added
    warehouse.upsert(con, "prices", edited, source="t")
    assert len(table(con, "raw.quarantine")) == 4


def test_infinite_or_oversized_numbers_are_quarantined_not_refused_with_the_load(con):
    # DuckDB refuses a whole insert over one volume beyond BIGINT, naming no row
    frame = pd.DataFrame(
        {
            "symbol": "IWM",
            "date": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]),
            "close": ["10.5", "inf", "11", "12"],
            "volume": [1000, 2000, "inf", 1e20],
        }
    )
    result = warehouse.upsert(con, "prices", frame, source="t")
    assert (result.rows_inserted, result.rows_quarantined) == (1, 3)
    assert table(con)[["close", "volume"]].values.tolist() == [[10.5, 1000]]
    assert table(con, "raw.quarantine").sort_values("date")["reason"].tolist() == [
        "close is out of range",
        "volume is out of range",
        "volume is out of range",
    ]


def test_exact_duplicate_rows_collapse_to_one(con):
    frame = prices({"2024-01-02": 10.0})
    result = warehouse.upsert(con, "prices", pd.concat([frame, frame]), source="t")
    assert result.rows_inserted == 1 and result.rows_quarantined == 0
    assert len(table(con)) == 1


def test_last_dates_per_key(con):
    warehouse.upsert(con, "prices", prices({"2024-01-02": 1.0, "2024-01-05": 2.0}), source="t")
    warehouse.upsert(con, "prices", prices({"2024-01-03": 1.0}, symbol="SPY"), source="t")
    assert {k: str(v) for k, v in warehouse.last_dates(con, "prices").items()} == {
        "IWM": "2024-01-05",
        "SPY": "2024-01-03",
    }


def test_every_raw_contract_is_created_with_its_key(con):
    warehouse.ensure_schema(con)
    keys = con.sql(
        "select table_name, constraint_column_names from duckdb_constraints()"
        " where schema_name = 'raw' and constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    assert dict((t, list(c)) for t, c in keys) == {
        "prices": ["symbol", "date"],
        "etf_shares": ["symbol", "date"],
        "macro_observations": ["series_id", "date", "realtime_start"],
        "valuations": ["symbol", "date", "metric"],
        "constituents": ["fund", "date", "symbol"],
        "load_log": ["load_id"],
        "trading_calendar": ["trading_date"],
        "file_digests": ["table_name", "key"],
    }
    # the dbt staging models have no not_null tests: these constraints are the guarantee
    not_null = con.sql(
        "select table_name, list(constraint_column_names[1])"
        " from duckdb_constraints() where schema_name = 'raw' and constraint_type = 'NOT NULL'"
        " and table_name not in ('load_log', 'quarantine', 'file_digests') group by table_name"
    ).fetchall()
    audit = ["source", "loaded_at"]
    assert {t: sorted(c) for t, c in not_null} == {
        "prices": sorted(["symbol", "date", "close", *audit]),
        "etf_shares": sorted(["symbol", "date", *audit]),
        "macro_observations": sorted(
            ["series_id", "date", "realtime_start", "value", "realtime_kind", *audit]
        ),
        "valuations": sorted(["symbol", "date", "metric", "value", *audit]),
        "constituents": sorted(["fund", "date", "symbol", "weight", *audit]),
        "trading_calendar": ["loaded_at", "trading_date"],  # no source: the project builds it
    }


def holdings(day: str, weights: dict[str, float], fund: str = "IWM") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "fund": fund,
            "date": pd.Timestamp(day),
            "symbol": list(weights),
            "name": [f"{s} INC" for s in weights],
            "sector": "Industrials",
            "weight": list(weights.values()),
            "shares": 1000.0,
        }
    )


def test_a_holdings_snapshot_is_replaced_as_a_whole(con):
    warehouse.upsert(con, "constituents", holdings("2026-05-29", {"A": 0.5, "B": 0.5}), source="t")
    warehouse.upsert(con, "constituents", holdings("2026-06-30", {"A": 0.6, "B": 0.4}), source="t")
    warehouse.upsert(
        con, "constituents", holdings("2026-06-30", {"A": 0.4}, fund="IJR"), source="t"
    )
    # B left IWM at the end of June; C joined
    result = warehouse.upsert(
        con, "constituents", holdings("2026-06-30", {"A": 0.7, "C": 0.3}), source="t"
    )
    assert (result.rows_inserted, result.rows_updated, result.rows_deleted) == (1, 1, 1)
    rows = table(con, "raw.constituents")[["fund", "date", "symbol", "weight"]]
    assert rows.astype({"date": str}).values.tolist() == [
        ["IJR", "2026-06-30", "A", 0.4],  # another fund's snapshot of that date: untouched
        ["IWM", "2026-05-29", "A", 0.5],  # another date: untouched
        ["IWM", "2026-05-29", "B", 0.5],
        ["IWM", "2026-06-30", "A", 0.7],
        ["IWM", "2026-06-30", "C", 0.3],
    ]
    log = table(con, "raw.load_log").sort_values("started_at")
    assert log["rows_deleted"].tolist() == [0, 0, 0, 1]


def test_members_that_left_are_needed_until_the_snapshot_without_them(con):
    for fund, day, weights in [
        ("IWM", "2026-04-30", {"A": 0.4, "B": 0.3, "D": 0.3}),
        ("IWM", "2026-05-29", {"A": 0.5, "B": 0.5}),  # D left
        ("IWM", "2026-06-30", {"A": 0.7, "C": 0.3}),  # B left
        ("IJR", "2026-04-30", {"D": 0.5, "E": 0.5}),  # D is still held by IJR
        ("IJR", "2026-06-30", {"D": 1.0}),  # E left IJR in June (no May snapshot)
    ]:
        warehouse.upsert(con, "constituents", holdings(day, weights, fund=fund), source="t")
    assert warehouse.member_needs(con) == {
        "A": None,
        "B": date(2026, 6, 30),
        "C": None,
        "D": None,
        "E": date(2026, 6, 30),
    }


def test_latest_date_of_some_keys(con):
    warehouse.upsert(con, "prices", prices({"2024-01-02": 1.0, "2024-01-05": 2.0}), source="t")
    warehouse.upsert(con, "prices", prices({"2024-01-09": 1.0}, symbol="SPY"), source="t")
    assert str(warehouse.latest_date(con, "prices", ["IWM"])) == "2024-01-05"
    assert str(warehouse.latest_date(con, "prices", ["IWM", "SPY"])) == "2024-01-09"
    assert warehouse.latest_date(con, "prices", ["QQQ"]) is None


def test_a_load_log_from_before_rows_deleted_gets_the_column(con):
    con.execute("create schema raw")
    old = warehouse.LOAD_LOG_DDL.replace(",\n    rows_deleted bigint default 0", "")
    con.execute(old)
    con.execute(
        "insert into raw.load_log values ('old', 'raw.prices', 't', null, now(), now(),"
        " 1, 1, 0, 0, 0, null, null, ['IWM'])"
    )
    warehouse.upsert(con, "prices", prices({"2024-01-02": 1.0}), source="t")
    log = table(con, "raw.load_log").set_index("load_id")
    assert log.loc["old", "rows_deleted"] == 0 and len(log) == 2


def test_a_full_refresh_replaces_each_loaded_keys_history_from_its_start(con):
    wrong = {"1995-01-03": 40.0, "2000-05-25": 70.0, "2000-05-26": 71.0, "2000-05-30": 72.0}
    warehouse.upsert(con, "prices", prices(wrong), source="t")  # another fund's file as IWM's
    warehouse.upsert(con, "prices", prices({"2000-05-26": 90.0}, symbol="SPY"), source="t")
    warehouse.upsert(con, "prices", prices({"1999-12-31": 50.0}, symbol="IJR"), source="t")
    right = prices({"2000-05-26": 80.0, "2000-05-30": 0.0, "2000-05-31": 82.0})
    right["close"] = right["close"].astype(object).where(right["close"] > 0, "n/a")
    result = warehouse.upsert(
        con, "prices", right, source="t", replace_from=pd.Timestamp("2000-01-01").date()
    )
    # 2000-05-25 goes; 1995 is before the refresh's start; 2000-05-30 is in quarantine: kept
    assert (result.rows_deleted, result.rows_inserted, result.rows_updated) == (1, 1, 1)
    assert result.rows_quarantined == 1
    iwm = con.sql("select date, close from raw.prices where symbol = 'IWM' order by 1").df()
    assert iwm["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "1995-01-03",
        "2000-05-26",
        "2000-05-30",
        "2000-05-31",
    ]
    assert iwm["close"].tolist() == [40.0, 80.0, 72.0, 82.0]
    others = con.sql("select symbol, count(*) from raw.prices where symbol <> 'IWM' group by 1")
    assert sorted(others.fetchall()) == [("IJR", 1), ("SPY", 1)]  # keys not loaded: untouched
    log = con.sql("select rows_deleted from raw.load_log order by finished_at desc limit 1")
    assert log.fetchall() == [(1,)]


def test_replace_keys_replace_only_those_keys_and_digests_follow_the_source(con):
    days = {"2024-01-02": 10.0, "2024-01-03": 11.0}
    both = pd.concat([prices(days), prices(days, symbol="SPY")])
    digests = {"IWM": ("prices/IWM.csv", "a" * 64), "SPY": ("prices/SPY.csv", "b" * 64)}
    warehouse.upsert(con, "prices", both, source="files", digests=digests)
    assert warehouse.file_digests(con, "prices") == digests
    # both keys lose 2024-01-02; only IWM is replaced, SPY loads incrementally
    later = {"2024-01-03": 11.0}
    result = warehouse.upsert(
        con,
        "prices",
        pd.concat([prices(later), prices(later, symbol="SPY")]),
        source="files",
        replace_from=pd.Timestamp("2000-01-01").date(),
        replace_keys=["IWM"],
        digests={"IWM": ("prices/IWM.csv", "c" * 64), "SPY": digests["SPY"]},
    )
    assert result.rows_deleted == 1
    left = con.sql("select symbol, count(*) from raw.prices group by 1 order by 1").fetchall()
    assert left == [("IWM", 1), ("SPY", 2)]
    assert warehouse.file_digests(con, "prices")["IWM"] == ("prices/IWM.csv", "c" * 64)
    # a load from another source: its keys' rows are no longer the file's
    warehouse.upsert(con, "prices", prices(later), source="live")
    assert set(warehouse.file_digests(con, "prices")) == {"SPY"}
