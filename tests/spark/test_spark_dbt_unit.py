"""dbt's unit tests pass on Spark too (tests/marts/test_dbt_unit.py runs them on DuckDB): the
models' SQL gives the hand-worked rows on both engines, floats compared rounded."""

from __future__ import annotations

import duckdb
from support.constituent_market import run_dbt

from dagster_project import spark, warehouse
from dagster_project.resources import EngineResource


def test_every_dbt_unit_test_passes_on_spark(spark_ready, tmp_path):
    path = tmp_path / "rotation.duckdb"
    root = tmp_path / "spark"
    with duckdb.connect(str(path)) as con:
        warehouse.ensure_schema(con)  # the raw tables, empty
        spark.publish_raw(con, str(root))
    dbt = EngineResource(name="spark").spark_dbt_path  # dbt-spark's environment

    def on_spark(*args: str) -> None:
        dbt_vars = {"spark_warehouse": str(root)}
        run_dbt(path, tmp_path, *args, "--target", "spark", dbt_vars=dbt_vars, dbt=dbt)

    on_spark("seed")
    on_spark("run", "--empty")
    on_spark("test", "--select", "test_type:unit")
    results = (tmp_path / "target" / "run_results.json").read_text()
    assert results.count('"status": "pass"') >= 30  # every unit test ran (36 when written)
