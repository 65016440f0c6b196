"""The quality history: every suite that ran left one audit row per expectation."""

import json

import duckdb
import pandas as pd

from dagster_project import quality


def test_the_audit_rows_of_a_run_match_the_checks_that_ran(sample_warehouse):
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        audit = con.execute("select * from audit.expectation_results").df()
    first_run = audit.sort_values("validated_at")["run_id"].iloc[0]
    run = audit[audit["run_id"] == first_run]
    # one validation per suite file, each with one row per expectation of the file
    expected = {
        name: len(quality.load_suite(name)["expectations"]) for name in quality.suite_names()
    }
    assert run.groupby("suite").size().to_dict() == expected
    assert (run["table_name"] == run["suite"].map(quality.suite_table)).all()
    assert run["success"].all()  # the sample is clean
    assert run["validated_at"].notna().all()


def test_runs_append_to_the_history(sample_warehouse):
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        runs = con.execute(
            "select count(distinct run_id) from audit.expectation_results"
        ).fetchall()[0][0]
    assert runs >= 1


def test_a_failed_expectation_keeps_its_offending_rows():
    outcomes = quality.validate(
        pd.DataFrame(
            {
                "symbol": ["IWM"],
                "date": [pd.Timestamp("2026-01-05")],
                "open": [10.0],
                "high": [9.0],
                "low": [8.0],
                "close": [9.5],
                "adj_close": [9.5],
                "volume": [1],
                "source": ["t"],
                "loaded_at": [pd.Timestamp("2026-01-06")],
            }
        ),
        "raw_prices",
    )
    rows = quality.audit_rows(outcomes, "raw_prices", "run-1")
    failed = rows[~rows["success"]]
    assert set(failed["expectation"]) == {"expect_column_pair_values_a_to_be_greater_than_b"}
    (offending,) = json.loads(failed["unexpected_rows"].iloc[0])
    assert offending["symbol"] == "IWM" and offending["date"].startswith("2026-01-05")
