"""The raw.prices suite is a blocking check: a bad row stops the marts from being rebuilt."""

from __future__ import annotations

import uuid

import duckdb
import pandas as pd
from run_events import materialized_keys, raw_check

from dagster_project import warehouse


def mart_checksums(path: str) -> dict[str, list]:
    """Row count and a hash of every row, per mart table."""
    with duckdb.connect(path, read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        ]
        return {
            t: con.execute(f"select count(*), sum(hash(m)) from marts.{t} m").fetchall()
            for t in tables
        }


def test_a_bad_raw_price_blocks_the_marts(short_sample):
    resources, job = short_sample
    first = job.execute_in_process(raise_on_error=False)
    assert first.success
    assert "marts/fct_rotation_daily" in materialized_keys(first)

    # the raw check validates the rows loaded since it last passed: the bad row is loaded after
    # the first run, as one of the second run's loads, as a bad source batch would be
    run_id = str(uuid.uuid4())
    with duckdb.connect(resources["warehouse"].database) as con:
        # a row the writer accepts (no quarantine rule covers it) but the suite must catch
        bad = pd.DataFrame(
            {
                "symbol": ["IWM"],
                "date": [pd.Timestamp("2030-01-02")],
                "close": [50.0],
                "high": [45.0],
            }
        )
        warehouse.upsert(con, "prices", bad, source="test", run_id=run_id)

    before = mart_checksums(resources["warehouse"].database)
    second = job.execute_in_process(raise_on_error=False, run_id=run_id)
    assert not second.success
    check = raw_check(second, "prices")
    assert not check.passed
    failures = check.metadata["failures"].value
    assert "high, close" in failures and "45.0" in failures  # names the columns and the values
    assert "date" in failures  # 2030 is in the future
    assert "'symbol': 'IWM'" in failures and "2030-01-02" in failures  # the offending row
    keys = materialized_keys(second)
    assert "raw/prices" in keys
    assert not any(k.startswith(("marts/", "staging/")) for k in keys)
    # the previous marts are intact, row for row (the bad row would be in fct_prices_daily)
    after = mart_checksums(resources["warehouse"].database)
    assert len(after) >= 10 and after == before

    # the same source again: the bad row, unchanged, is validated again and still blocks
    third = job.execute_in_process(raise_on_error=False)
    assert not third.success and not raw_check(third, "prices").passed
    assert "2030-01-02" in raw_check(third, "prices").metadata["failures"].value
    assert mart_checksums(resources["warehouse"].database) == before

    # fixed (the bad row removed): the check passes and the marts are rebuilt
    with duckdb.connect(resources["warehouse"].database) as con:
        con.execute("delete from raw.prices where date = '2030-01-02'")
    fourth = job.execute_in_process(raise_on_error=False)
    assert fourth.success and raw_check(fourth, "prices").passed
    assert "marts/fct_rotation_daily" in materialized_keys(fourth)
