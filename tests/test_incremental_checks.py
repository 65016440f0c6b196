"""Raw checks validate the rows loaded in the run, not the table's whole history.

The trade-off, tested below: a row already in the table before the run (an earlier
``loaded_at``) is not validated again; the run that loaded it validated it. A bad row loaded in
the run is caught and blocks (tests/test_blocking.py).
"""

from __future__ import annotations

import duckdb
import pandas as pd
from dagster import AssetKey

from dagster_project import warehouse
from dagster_project.definitions import build_definitions
from dagster_project.resources import RotationSettings


def prices(closes: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": "IWM",
            "date": pd.to_datetime(list(closes)),
            "open": 10.0,
            "high": 20.0,
            "low": 5.0,
            "close": list(closes.values()),
        }
    )


def test_only_rows_the_runs_loads_inserted_or_updated_are_returned():
    con = duckdb.connect()
    warehouse.upsert(
        con, "prices", prices({"2026-01-02": 10.0, "2026-01-05": 11.0}), source="t", run_id="a"
    )
    # run b: one row unchanged, one updated, one new, in two loads
    warehouse.upsert(con, "prices", prices({"2026-01-02": 10.0}), source="t", run_id="b")
    warehouse.upsert(
        con, "prices", prices({"2026-01-05": 12.0, "2026-01-06": 13.0}), source="t", run_id="b"
    )
    frame = loaded_in_run(con, "b")
    assert sorted(frame["date"].dt.strftime("%Y-%m-%d")) == ["2026-01-05", "2026-01-06"]
    assert list(frame.columns) == list(con.sql("select * from raw.prices").columns)

    assert warehouse.run_loads_since(con, "prices", "c") is None  # a run with no load
    frame = loaded_in_run(con, "c")
    assert frame.empty
    assert list(frame.columns) == list(con.sql("select * from raw.prices").columns)
    assert len(loaded_in_run(con, "a")) == 3  # a, and b after it


def loaded_in_run(con, run_id: str, chunk_rows: int = 1_000_000) -> pd.DataFrame:
    since = warehouse.run_loads_since(con, "prices", run_id)
    return pd.concat(warehouse.chunks_loaded_in_run(con, "prices", since, chunk_rows))


def test_chunks_split_the_rows_by_symbol_and_lose_none():
    con = duckdb.connect()
    for symbol, days in (("A", 5), ("B", 2), ("C", 4), ("D", 1)):
        frame = prices(dict.fromkeys(pd.bdate_range("2026-01-05", periods=days).astype(str), 10.0))
        warehouse.upsert(con, "prices", frame.assign(symbol=symbol), source="t", run_id="a")
    since = warehouse.run_loads_since(con, "prices", "a")
    chunks = list(warehouse.chunks_loaded_in_run(con, "prices", since, chunk_rows=6))
    # A (5 rows) | B + C would be 6: B and C (2 + 4) | D (1): about 6 rows per chunk
    assert [sorted(set(c["symbol"])) for c in chunks] == [["A"], ["B", "C"], ["D"]]
    assert sum(len(c) for c in chunks) == 12
    assert len(pd.concat(chunks).drop_duplicates(["symbol", "date"])) == 12


def raw_check(result, table: str):
    (check,) = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == f"expectations_raw_{table}"
    ]
    return check


def test_a_run_that_loads_nothing_new_validates_no_rows_and_a_bad_old_row_is_not_revalidated(
    tmp_path,
):
    settings = RotationSettings(warehouse=str(tmp_path / "w.duckdb"), start_date="2025-06-01")
    job = build_definitions(settings).resolve_implicit_global_asset_job_def()
    raw = [AssetKey(["raw", t]) for t in ("prices", "etf_shares")]
    first = job.execute_in_process(raise_on_error=False, asset_selection=raw)
    assert first.success
    check = raw_check(first, "prices")
    assert check.passed and check.metadata["rows_validated"].value > 0
    assert "rows loaded in this run" in check.description

    with duckdb.connect(settings.warehouse_path) as con:
        # a bad row loaded outside any run (high below close, a future date), before the run
        bad = pd.DataFrame(
            {
                "symbol": ["IWM"],
                "date": [pd.Timestamp("2030-01-02")],
                "close": [50.0],
                "high": [45.0],
            }
        )
        warehouse.upsert(con, "prices", bad, source="test")

    second = job.execute_in_process(raise_on_error=False, asset_selection=raw)
    assert second.success  # the same source data: every row unchanged, nothing to validate
    for table in ("prices", "etf_shares"):
        check = raw_check(second, table)
        assert check.passed
        assert check.metadata["rows_validated"].value == 0
        assert "rows loaded in this run" in check.description
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        audit = con.execute(
            "select count(*), bool_and(success) from audit.expectation_results where run_id = ?",
            [second.run_id],
        ).fetchall()
    assert audit[0][0] > 0 and audit[0][1]  # the validation is still in the quality history
