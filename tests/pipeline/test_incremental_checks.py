"""Raw checks validate the rows loaded since they last passed, not the table's whole history.

The trade-off, tested below: a row in the table before the last passing check (an earlier
``loaded_at``) is not validated again; that check validated it. Rows loaded since, by a run or
not, are; and rows that failed stay to be validated until a check passes
(tests/pipeline/test_blocking.py: re-running with the same bad row stays blocked).
"""

from __future__ import annotations

import duckdb
import pandas as pd
from dagster import AssetKey
from run_events import raw_check

from dagster_project import quality, warehouse
from dagster_project.gate import ROWS_OF_RAW


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


def validated(con, run_id: str, success: bool) -> None:
    """A validation of raw.prices' suite in the audit, as a check leaves it: two expectations."""
    outcomes = [
        quality.Outcome(name, None, ok, None, 0, [], [])
        for name, ok in (("expect_a", True), ("expect_b", success))
    ]
    warehouse.append_audit(con, quality.audit_rows(outcomes, "raw_prices", run_id))


def unvalidated(con) -> list[str]:
    since = warehouse.unvalidated_since(con, "prices", "raw_prices")
    frame = pd.concat(warehouse.chunks_loaded_since(con, "prices", since, 1_000_000))
    return sorted(frame["date"].dt.strftime("%Y-%m-%d"))


def test_the_rows_inserted_or_updated_since_the_last_passing_validation_are_returned():
    con = duckdb.connect()
    warehouse.upsert(
        con, "prices", prices({"2026-01-02": 10.0, "2026-01-05": 11.0}), source="t", run_id="a"
    )
    assert unvalidated(con) == ["2026-01-02", "2026-01-05"]  # never validated: every row
    validated(con, "a", success=True)
    assert warehouse.unvalidated_since(con, "prices", "raw_prices") is None
    frame = pd.concat(warehouse.chunks_loaded_since(con, "prices", None, 1_000_000))
    assert frame.empty  # nothing since: one empty frame, the table's columns
    assert list(frame.columns) == list(con.sql("select * from raw.prices").columns)

    # run b: one row unchanged, one updated, one new, in two loads
    warehouse.upsert(con, "prices", prices({"2026-01-02": 10.0}), source="t", run_id="b")
    warehouse.upsert(
        con, "prices", prices({"2026-01-05": 12.0, "2026-01-06": 13.0}), source="t", run_id="b"
    )
    assert unvalidated(con) == ["2026-01-05", "2026-01-06"]
    validated(con, "b", success=False)  # one expectation failed: b's rows stay to be validated
    warehouse.upsert(con, "prices", prices({"2026-01-07": 14.0}), source="t", run_id="c")
    assert unvalidated(con) == ["2026-01-05", "2026-01-06", "2026-01-07"]
    validated(con, "c", success=True)
    assert warehouse.unvalidated_since(con, "prices", "raw_prices") is None


def test_chunks_split_the_rows_by_symbol_and_lose_none():
    con = duckdb.connect()
    for symbol, days in (("A", 5), ("B", 2), ("C", 4), ("D", 1)):
        frame = prices(dict.fromkeys(pd.bdate_range("2026-01-05", periods=days).astype(str), 10.0))
        warehouse.upsert(con, "prices", frame.assign(symbol=symbol), source="t", run_id="a")
    since = warehouse.unvalidated_since(con, "prices", "raw_prices")
    chunks = list(warehouse.chunks_loaded_since(con, "prices", since, chunk_rows=6))
    # A (5 rows) | B + C would be 6: B and C (2 + 4) | D (1): about 6 rows per chunk
    assert [sorted(set(c["symbol"])) for c in chunks] == [["A"], ["B", "C"], ["D"]]
    assert sum(len(c) for c in chunks) == 12
    assert len(pd.concat(chunks).drop_duplicates(["symbol", "date"])) == 12


def test_a_run_that_loads_nothing_new_validates_no_rows_and_a_row_loaded_since_is_validated(
    short_sample,
):
    resources, job = short_sample
    raw = [AssetKey(["raw", t]) for t in ("prices", "etf_shares")]
    first = job.execute_in_process(raise_on_error=False, asset_selection=raw)
    assert first.success
    check = raw_check(first, "prices")
    assert check.passed and check.metadata["rows_validated"].value > 0
    assert ROWS_OF_RAW in check.description

    second = job.execute_in_process(raise_on_error=False, asset_selection=raw)
    assert second.success  # the same source data: every row unchanged, nothing to validate
    for table in ("prices", "etf_shares"):
        check = raw_check(second, table)
        assert check.passed
        assert check.metadata["rows_validated"].value == 0
    with duckdb.connect(resources["warehouse"].database) as con:
        audit = con.execute(
            "select count(*), bool_and(success) from audit.expectation_results where run_id = ?",
            [second.run_id],
        ).fetchall()
        assert audit[0][0] > 0 and audit[0][1]  # the validation is still in the quality history
        # a bad row loaded outside any run (high below close, a future date), after the pass
        bad = pd.DataFrame(
            {
                "symbol": ["IWM"],
                "date": [pd.Timestamp("2030-01-02")],
                "close": [50.0],
                "high": [45.0],
            }
        )
        warehouse.upsert(con, "prices", bad, source="test")

    third = job.execute_in_process(raise_on_error=False, asset_selection=raw)
    check = raw_check(third, "prices")
    assert not check.passed and check.metadata["rows_validated"].value == 1
    assert "2030-01-02" in check.metadata["failures"].value
