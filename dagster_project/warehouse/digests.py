"""The file digests: what each key's stored rows were last loaded from, for the files source.

A load from files records, per table and key, the file it read and its SHA-256 in
``raw.file_digests``, in the same transaction as its rows: the next run compares each file with
it to tell a file changed anywhere (reloaded whole) from one that did not (loaded from its last
date minus the overlap). A load of a key from any other source drops the key's record: its
stored rows are then no longer those of the file.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from dagster_project.warehouse.contracts import RAW_TABLES, RawTable
from dagster_project.warehouse.schema import ensure_schema


def file_digests(con: duckdb.DuckDBPyConnection, table_name: str) -> dict[str, tuple[str, str]]:
    """key -> (path, sha256) of the file each key of ``raw.<table_name>`` was last loaded from
    (keys last loaded from another source, or before digests were kept, are left out)."""
    ensure_schema(con)
    rows = con.execute(
        "select key, path, sha256 from raw.file_digests where table_name = ?",
        [RAW_TABLES[table_name].qualified],
    ).fetchall()
    return {key: (path, sha256) for key, path, sha256 in rows}


def keys_received(table: RawTable, frame: pd.DataFrame) -> list[str]:
    """The values of the key's first column in a load's ``frame`` (usable or not), sorted."""
    first = table.first_key
    first_column = frame[first] if first in frame else pd.Series(dtype=object)
    return sorted(first_column.dropna().astype(str).unique())


def record_digests(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    received: list[str],
    digests: dict[str, tuple[str, str]] | None,
    load_id: str,
    at: datetime,
) -> None:
    """Keep the digests of the files this load read (``digests``: key -> (path, sha256)), and
    drop the record of every other key it received: those rows came from elsewhere."""
    digests = digests or {}
    others = [k for k in received if k not in digests]
    if others:
        con.execute(
            "delete from raw.file_digests where table_name = ? and key in (select unnest(?))",
            [table.qualified, others],
        )
    if digests:
        con.executemany(
            "insert or replace into raw.file_digests values (?, ?, ?, ?, ?, ?)",
            [
                [table.qualified, key, path, sha256, load_id, at]
                for key, (path, sha256) in sorted(digests.items())
            ],
        )
