"""Land the tables readers read, as Spark built them, in the DuckDB warehouse: the marts and
the reference seeds (``marts.<name>``, ``reference.<name>``), all in one transaction: a reader
sees the tables of the last build or of this one, never a mix.

Spark keeps a table of a dbt schema as Parquet files in its warehouse folder
(``<root>/tables/<schema>.db/<name>``, Spark's layout of a managed table).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from dagster_project.warehouse.schema import sql_literal, transaction

# the dbt schemas whose tables readers (serving, the report, the summary, BI tools) read in the
# warehouse; staging views and intermediate models stay in Spark
LANDED_SCHEMAS = ("reference", "marts")


def table_folder(root: str, schema: str, name: str) -> str:
    """Where Spark writes the files of <schema>.<name>."""
    return f"{root.rstrip('/')}/tables/{schema}.db/{name}"


def land_tables(
    con: duckdb.DuckDBPyConnection, root: str, tables: Iterable[tuple[str, str]]
) -> dict[str, int]:
    """Replace each (schema, name) table in the warehouse by Spark's build of it; rows by
    ``schema.name``."""
    rows: dict[str, int] = {}
    with transaction(con):
        for schema, name in tables:
            files = sql_literal(f"{table_folder(root, schema, name)}/*.parquet")
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(
                f'create or replace table "{schema}"."{name}" as'
                f" select * from read_parquet({files})"
            )
            [(count,)] = con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()
            rows[f"{schema}.{name}"] = count
    return rows
