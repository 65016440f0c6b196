"""The raw schema: the DDL of the raw tables and of the warehouse's own records, its migrations,
and the transaction every write runs in.

Besides the raw contracts' tables, ``raw`` holds the load log (one row per load), the quarantine
(the rows a load could not use, with the reason), the file digests (what each key's rows were
last loaded from, for the files source) and the marts' trading calendar.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from dagster_project.warehouse.contracts import RAW_TABLES, RawTable

# The marts' trading calendar (int_trading_days): reference data the project builds itself (the
# asset raw/trading_calendar, from the NYSE calendar), not a provider's rows, so it is written
# whole (write_trading_calendar) and has no load log. loaded_at: when each day was added.
TRADING_CALENDAR_DDL = """
create table if not exists raw.trading_calendar (
    trading_date date primary key,
    loaded_at timestamp not null
)
"""

LOAD_LOG_DDL = """
create table if not exists raw.load_log (
    load_id varchar primary key,
    table_name varchar not null,
    source varchar not null,
    run_id varchar,
    started_at timestamp not null,
    finished_at timestamp not null,
    rows_received bigint not null,
    rows_inserted bigint not null,
    rows_updated bigint not null,
    rows_unchanged bigint not null,
    rows_quarantined bigint not null,
    min_date date,
    max_date date,
    keys varchar[],
    rows_deleted bigint default 0
)
"""
# warehouses created before rows_deleted existed get the column (0 for their old loads)
LOAD_LOG_MIGRATIONS = (
    "alter table raw.load_log add column if not exists rows_deleted bigint default 0",
)

# What each key's stored rows were last loaded from, for the files source (see digests).
FILE_DIGESTS_DDL = """
create table if not exists raw.file_digests (
    table_name varchar not null,
    key varchar not null,
    path varchar not null,
    sha256 varchar not null,
    load_id varchar not null,
    loaded_at timestamp not null,
    primary key (table_name, key)
)
"""

QUARANTINE_DDL = """
create table if not exists raw.quarantine (
    load_id varchar not null,
    table_name varchar not null,
    key varchar not null,
    date date,
    reason varchar not null,
    record varchar not null,
    quarantined_at timestamp not null
)
"""


def table_ddl(table: RawTable) -> str:
    """The raw contract's table: its columns (key and required ones not null), the load's
    ``source`` and ``loaded_at``, and the key as primary key."""
    cols = [
        f"{name} {dtype}" + (" not null" if name in table.key or name in table.required else "")
        for name, dtype in table.columns.items()
    ]
    cols += ["source varchar not null", "loaded_at timestamp not null"]
    cols.append(f"primary key ({', '.join(table.key)})")
    return f"create table if not exists {table.qualified} ({', '.join(cols)})"


def _keep_macro_before_vintages(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse from before vintages kept one value per (series_id, date), the latest
    revision, in raw.macro_observations. That table is kept as it was, renamed
    raw.macro_observations_before_vintages; the new one starts empty, so the next load fetches
    every series whole, with its vintages."""
    columns = con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = 'raw' and table_name = 'macro_observations'"
    ).fetchall()
    if columns and ("realtime_kind",) not in columns:
        con.execute(
            "alter table raw.macro_observations rename to macro_observations_before_vintages"
        )


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, its tables and the load log if they do not exist."""
    con.execute("create schema if not exists raw")
    _keep_macro_before_vintages(con)
    for table in RAW_TABLES.values():
        con.execute(table_ddl(table))
    con.execute(LOAD_LOG_DDL)
    for migration in LOAD_LOG_MIGRATIONS:
        con.execute(migration)
    con.execute(QUARANTINE_DDL)
    con.execute(TRADING_CALENDAR_DDL)
    con.execute(FILE_DIGESTS_DDL)


def sql_literal(text: str) -> str:
    """A SQL string literal (a path in a COPY or read_parquet)."""
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block in one transaction: committed at its end, rolled back on any error (which
    is re-raised), so a write is never left half done."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
