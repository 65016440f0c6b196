"""Spark builds the same marts as DuckDB, and everything downstream of them works unchanged.

The small sample (conftest.py) is built twice from nothing: by DuckDB, and with its models built
by a local Spark from the raw tables published as Parquet, the marts and seeds landed in the
warehouse. The two warehouses are compared, every raw and mart table column by column: keys and
every non-float value exact, floats to a relative 1e-9 (dagster_project.digest).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from support.spark_builds import materialize_all

from dagster_project import digest, marts, warehouse
from dagster_project.resources import EngineResource
from dagster_project.serving import serving_paths


def test_spark_builds_the_same_marts_as_duckdb(duckdb_built, spark_built):
    path, _, result = spark_built
    assert result.success  # the report and the summary's tables too: the seeds were landed
    assert digest.compare(str(duckdb_built), str(path)) == []
    seeds = "select * from reference.pairs order by pair_id"
    with duckdb.connect(str(duckdb_built), read_only=True) as a, duckdb.connect(str(path)) as b:
        assert a.execute(seeds).fetchall() == b.execute(seeds).fetchall()


def test_every_mart_is_landed_and_says_spark_built_it(spark_built):
    _, _, result = spark_built
    engines = {
        event.asset_key: event.step_materialization_data.materialization.metadata["engine"].value
        for event in result.get_asset_materialization_events()
        if event.asset_key.path[0] == "marts"
    }
    assert {mart.asset_key for mart in marts.marts()} <= set(engines)
    assert set(engines.values()) == {"spark"}


def test_the_checks_ran_on_spark_marts_and_passed(spark_built):
    _, _, result = spark_built
    evaluations = result.get_asset_check_evaluations()
    checked = {e.asset_key for e in evaluations}
    assert {mart.asset_key for mart in marts.marts()} <= checked  # dbt tests and GX suites
    assert [e.check_name for e in evaluations if not e.passed] == []


def test_serving_publishes_the_marts_spark_built(spark_built):
    path, _, _ = spark_built
    serving, _ = serving_paths(path)
    with duckdb.connect(str(serving), read_only=True) as con, duckdb.connect(str(path)) as w:
        for mart in marts.marts():
            [(served,)] = con.execute(f"select count(*) from marts.{mart.name}").fetchall()
            [(built,)] = w.execute(f"select count(*) from marts.{mart.name}").fetchall()
            assert served == built, mart.name


def partition_files(table: Path) -> dict[str, set]:
    """Each partition folder of a Spark table: its Parquet files, named and timed."""
    files: dict[str, set] = {}
    for part in table.glob("partition_year=*/*.parquet"):
        files.setdefault(part.parent.name, set()).add((part.name, part.stat().st_mtime_ns))
    return files


def revise_a_member_price(path: Path, day: str) -> None:
    """A member's price on ``day`` revised after the last build (1% higher), as a provider's
    correction arrives: the first day the incremental models must rebuild from."""
    with duckdb.connect(str(path)) as con:
        row = con.execute(
            "select symbol, date, open, high, low, close, adj_close, volume, source"
            " from raw.prices where date = ? and symbol in (select symbol from raw.constituents)"
            " order by symbol limit 1",
            [day],
        ).df()
        for column in ("open", "high", "low", "close", "adj_close"):
            row[column] *= 1.01
        warehouse.upsert(con, "prices", row.drop(columns="source"), source="test")


# Last in this file: it moves the Spark build on (the tests above read it as first built).
def test_a_revised_price_rewrites_only_its_years_partitions_and_still_matches_duckdb(
    duckdb_built, spark_built, tmp_path
):
    path, spark_folder, _ = spark_built
    tables = spark_folder / "tables" / "intermediate.db"
    incremental = [tables / "int_fund_members_daily", tables / "int_fund_member_totals_daily"]
    before = [partition_files(table) for table in incremental]
    assert all(len(files) == 11 for files in before)  # mid-2016 to mid-2026: 11 years

    duckdb_later = tmp_path / "rotation.duckdb"
    shutil.copy(duckdb_built, duckdb_later)
    for warehouse_path in (duckdb_later, path):
        revise_a_member_price(warehouse_path, "2026-03-16")
    assert materialize_all(duckdb_later, EngineResource()).success
    engine = EngineResource(name="spark", spark_warehouse=str(spark_folder))
    assert materialize_all(path, engine).success

    for table, files in zip(incremental, before, strict=True):
        after = partition_files(table)
        rewritten = {year for year in after if after[year] != files.get(year)}
        assert rewritten == {"partition_year=2026"}, table.name
    assert digest.compare(str(duckdb_later), str(path)) == []
    with duckdb.connect(str(duckdb_later), read_only=True) as con:  # DuckDB: from that day on
        [(first,)] = con.execute(
            "select min(price_date) from intermediate.int_fund_members_daily"
            " where rebuilt_from is not null"
        ).fetchall()
    assert str(first) == "2026-03-16"
