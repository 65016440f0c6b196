"""Publish the raw tables for Spark: one Parquet file per table, ``<root>/raw/<table>/``.

Each file is written beside the last one under a hidden name (Spark skips names starting with
``.``) and renamed over it, so a build reads the old publication or the new one, never half of
one. On an object store (``s3://...``: DuckDB's httpfs) the single file's upload is atomic.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from dagster_project.warehouse.schema import sql_literal

RAW_FILE = "data.parquet"


def raw_folder(root: str, table: str) -> str:
    """Where Spark reads raw.<table> (the dbt project's register_raw_tables)."""
    return f"{root.rstrip('/')}/raw/{table}"


def publish_raw(con: duckdb.DuckDBPyConnection, root: str) -> dict[str, int]:
    """Copy every table of the warehouse's raw schema to ``root``; its row count by table."""
    tables = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'raw' and table_type = 'BASE TABLE' order by table_name"
        ).fetchall()
    ]
    local = "://" not in root  # a folder, not an object store's URI
    rows: dict[str, int] = {}
    for table in tables:
        folder = raw_folder(root, table)
        target = f"{folder}/.{RAW_FILE}.partial" if local else f"{folder}/{RAW_FILE}"
        if local:
            Path(folder).mkdir(parents=True, exist_ok=True)
        con.execute(f'copy raw."{table}" to {sql_literal(target)} (format parquet)')
        if local:
            os.replace(target, f"{folder}/{RAW_FILE}")
        [(rows[table],)] = con.execute(f'select count(*) from raw."{table}"').fetchall()
    return rows
