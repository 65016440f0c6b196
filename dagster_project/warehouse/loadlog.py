"""The load log: one row per load of a raw table in ``raw.load_log``, written in the load's own
transaction, and what it tells: which keys a load received, and which rows are still to be
validated (loaded since their suite last passed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd

from dagster_project.warehouse.audit import ensure_audit
from dagster_project.warehouse.contracts import RAW_TABLES, RawTable
from dagster_project.warehouse.schema import ensure_schema


@dataclass(frozen=True)
class LoadResult:
    load_id: str
    table: str
    rows_received: int
    rows_inserted: int
    rows_updated: int
    rows_unchanged: int
    rows_quarantined: int
    min_date: object
    max_date: object
    keys: list[str]
    rows_deleted: int = 0  # members dropped from a snapshot the load replaced
    quarantined: list[dict] = field(default_factory=list)  # quarantine_summary of the load


def log_load(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    source: str,
    run_id: str | None,
    started_at: datetime,
) -> None:
    """The load's row in ``raw.load_log``, finished now."""
    con.execute(
        "insert into raw.load_log (load_id, table_name, source, run_id, started_at,"
        " finished_at, rows_received, rows_inserted, rows_updated, rows_unchanged,"
        " rows_quarantined, min_date, max_date, keys, rows_deleted)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.load_id,
            result.table,
            source,
            run_id,
            started_at,
            datetime.now(UTC).replace(tzinfo=None),
            result.rows_received,
            result.rows_inserted,
            result.rows_updated,
            result.rows_unchanged,
            result.rows_quarantined,
            result.min_date,
            result.max_date,
            result.keys,
            result.rows_deleted,
        ],
    )


def last_received(
    con: duckdb.DuckDBPyConnection, table_name: str, keys: list[str]
) -> dict[str, datetime]:
    """When each of ``keys`` was last received by a load of ``raw.<table_name>`` (the start of
    the latest load whose ``raw.load_log.keys`` has it; keys never received are left out)."""
    ensure_schema(con)
    rows = con.execute(
        """
        select key, max(started_at)
        from (select unnest(keys) as key, started_at from raw.load_log where table_name = ?)
        where key in (select unnest(?))
        group by key
        """,
        [RAW_TABLES[table_name].qualified, keys],
    ).fetchall()
    return dict(rows)


def unvalidated_since(con: duckdb.DuckDBPyConnection, table_name: str, suite: str) -> object:
    """When the first load of ``raw.<table_name>`` after the suite's last passing validation
    started (None if there is no such load): every row inserted or updated since has
    ``loaded_at`` at or after it.

    A validation passes when all its expectations do (``audit.expectation_results``: one row
    per expectation, one ``validated_at`` per validation). A failed validation does not count,
    so rows that failed stay to be validated by the next check until they are fixed.
    """
    ensure_schema(con)
    ensure_audit(con)
    ((since,),) = con.execute(
        """
        select min(started_at) from raw.load_log
        where
            table_name = ?
            and started_at > coalesce(
                (
                    select max(validated_at) from (
                        select validated_at from audit.expectation_results
                        where suite = ?
                        group by run_id, validated_at
                        having bool_and(success)
                    )
                ),
                '-infinity'::timestamp
            )
        """,
        [RAW_TABLES[table_name].qualified, suite],
    ).fetchall()
    return since


def chunks_loaded_since(
    con: duckdb.DuckDBPyConnection, table_name: str, since: object, chunk_rows: int
) -> Iterator[pd.DataFrame]:
    """The rows of ``raw.<table_name>`` inserted or updated since ``since``
    (``unvalidated_since``), in chunks of about ``chunk_rows`` rows.

    Rows a load left unchanged keep their earlier ``loaded_at`` and are not returned. Chunks
    split the rows by the key's first column, so all rows of a symbol (series, fund) are in one
    chunk, with every row sharing their key. ``since`` None (nothing loaded) or no rows gives
    one empty frame, same columns.
    """
    table = RAW_TABLES[table_name]
    if since is None:
        yield con.execute(f"select * from {table.qualified} limit 0").df()
        return
    yield from _chunks(con, table.qualified, table, "loaded_at >= ?", [since], chunk_rows)


def staged_chunks(
    con: duckdb.DuckDBPyConnection, table: RawTable, chunk_rows: int
) -> Iterator[pd.DataFrame]:
    """The rows a staged load (``upsert``) would insert or update, as they would be stored, in
    chunks of about ``chunk_rows`` rows split by the key's first column."""
    yield from _chunks(con, "changed", table, "true", [], chunk_rows, "exclude (is_update)")


def _chunks(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    table: RawTable,
    where: str,
    params: list,
    chunk_rows: int,
    exclude: str = "",
) -> Iterator[pd.DataFrame]:
    """The rows of ``relation`` matching ``where`` in chunks split by the key's first column
    (all rows of a symbol in one chunk); no rows: one empty frame, same columns."""
    first = table.first_key
    counts = con.execute(
        f"select {first}, count(*) from {relation} where {where} group by all order by 1", params
    ).fetchall()
    if not counts:
        yield con.execute(f"select * {exclude} from {relation} limit 0").df()
        return
    groups, rows = [[]], 0
    for value, n in counts:
        if rows + n > chunk_rows and groups[-1]:
            groups.append([])
            rows = 0
        groups[-1].append(value)
        rows += n
    for values in groups:
        yield con.execute(
            f"select * {exclude} from {relation} where {where} and list_contains(?, {first})",
            [*params, values],
        ).df()
