"""The Spark engine's two hand-overs with the DuckDB warehouse (docs/spark.md).

The ingest lands raw data in DuckDB on either engine. When Spark builds the dbt models:
``publish_raw`` copies the raw tables to Parquet files under the Spark warehouse (where the dbt
project's ``register_raw_tables`` declares them), and ``land_marts`` copies the marts Spark built
back into the DuckDB warehouse, where the mart checks, serving and the report read them as they
do after a DuckDB build.
"""

from dagster_project.spark.land import land_marts, mart_folder
from dagster_project.spark.publish import publish_raw, raw_folder

__all__ = ["land_marts", "mart_folder", "publish_raw", "raw_folder"]
