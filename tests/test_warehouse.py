"""The warehouse writer: upserts on the key, one transaction per load, a load-log row per load."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dagster_project import warehouse


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        yield connection


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
        (lambda f: pd.concat([f, f.tail(1)]), "share a key"),
        (lambda f: f.assign(close=[10.0, None]), "null 'close'"),
        (lambda f: f.drop(columns="close"), "lacks required column"),
        (lambda f: f.assign(close=["10", "eleven"]), "eleven"),
    ],
    ids=["duplicate key", "null close", "missing close", "non-numeric close"],
)
def test_a_bad_frame_leaves_every_table_as_it_was(con, bad, message):
    warehouse.upsert(con, "prices", prices({"2024-01-02": 10.0}), source="t")
    before, log_before = table(con), table(con, "raw.load_log")
    frame = prices({"2024-01-02": 99.0, "2024-01-03": 11.0})
    with pytest.raises(ValueError, match=message):
        warehouse.upsert(con, "prices", bad(frame), source="t")
    pd.testing.assert_frame_equal(table(con), before)
    pd.testing.assert_frame_equal(table(con, "raw.load_log"), log_before)


def test_every_raw_contract_is_created_with_its_key(con):
    warehouse.ensure_schema(con)
    keys = con.sql(
        "select table_name, constraint_column_names from duckdb_constraints()"
        " where schema_name = 'raw' and constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    assert dict((t, list(c)) for t, c in keys) == {
        "prices": ["symbol", "date"],
        "etf_shares": ["symbol", "date"],
        "macro_observations": ["series_id", "date"],
        "valuations": ["symbol", "date", "metric"],
        "load_log": ["load_id"],
    }
