"""The Spark engine's two hand-overs with the DuckDB warehouse (docs/spark.md).

The ingest lands raw data in DuckDB on either engine. When Spark builds the dbt models:
``publish_raw`` copies the raw tables to Parquet files under the Spark warehouse (where the dbt
project's ``register_raw_tables`` declares them), and ``land_tables`` copies the marts and seeds
Spark built back into the DuckDB warehouse, where the mart checks, serving, the report and the
summary read them as they do after a DuckDB build.
"""

from dagster_project.spark.land import LANDED_SCHEMAS, land_tables, table_folder
from dagster_project.spark.publish import publish_raw, raw_folder

__all__ = ["LANDED_SCHEMAS", "land_tables", "publish_raw", "raw_folder", "table_folder"]
