"""Land the marts Spark built in the DuckDB warehouse (``marts.<name>``), all in one
transaction: a reader sees the marts of the last build or of this one, never a mix.

Spark keeps a mart of the dbt schema ``marts`` as Parquet files in its warehouse folder
(``<root>/tables/marts.db/<name>``, Spark's layout of a managed table).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from dagster_project.warehouse.schema import sql_literal, transaction


def mart_folder(root: str, name: str) -> str:
    """Where Spark writes the files of marts.<name>."""
    return f"{root.rstrip('/')}/tables/marts.db/{name}"


def land_marts(con: duckdb.DuckDBPyConnection, root: str, names: Iterable[str]) -> dict[str, int]:
    """Replace each named mart in the warehouse by Spark's build of it; rows by mart."""
    rows: dict[str, int] = {}
    with transaction(con):
        con.execute("create schema if not exists marts")
        for name in names:
            files = sql_literal(f"{mart_folder(root, name)}/*.parquet")
            con.execute(
                f'create or replace table marts."{name}" as select * from read_parquet({files})'
            )
            [(rows[name],)] = con.execute(f'select count(*) from marts."{name}"').fetchall()
    return rows
