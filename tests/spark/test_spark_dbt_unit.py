"""dbt's unit tests pass on Spark too (tests/marts/test_dbt_unit.py runs them on DuckDB): the
models' SQL gives the hand-worked rows on both engines, floats compared rounded."""

from __future__ import annotations

import duckdb
from support.constituent_market import run_dbt

from dagster_project import spark, warehouse


def test_every_dbt_unit_test_passes_on_spark(spark_ready, tmp_path):
    path = tmp_path / "rotation.duckdb"
    root = tmp_path / "spark"
    with duckdb.connect(str(path)) as con:
        warehouse.ensure_schema(con)  # the raw tables, empty
        spark.publish_raw(con, str(root))
    on_spark = ("--target", "spark")
    dbt_vars = {"spark_warehouse": str(root)}
    run_dbt(path, tmp_path, "seed", *on_spark, dbt_vars=dbt_vars)
    run_dbt(path, tmp_path, "run", "--empty", *on_spark, dbt_vars=dbt_vars)
    run_dbt(path, tmp_path, "test", "--select", "test_type:unit", *on_spark, dbt_vars=dbt_vars)
    results = (tmp_path / "target" / "run_results.json").read_text()
    assert results.count('"status": "pass"') >= 30  # every unit test ran (36 when written)
