"""The one module that writes to the DuckDB warehouse: raw schemas, upserts, transactions, load log.

Every raw table has a key; a load is an upsert on that key inside one transaction, together with
its row in ``raw.load_log`` and the rows it quarantined. Re-running a load with the same data
changes nothing (not even ``loaded_at``); a load that fails leaves every table exactly as it was.

Rows the warehouse cannot use (a value that is not a number, a price that is zero or negative, a
required value missing) go to ``raw.quarantine`` with the reason, and are counted in the load
log. Structural problems fail the whole load: a missing column, a null key, or two rows with the
same key and different values.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd


@dataclass(frozen=True)
class RawTable:
    """A raw contract: its key columns and value columns (name -> DuckDB type)."""

    name: str
    key: dict[str, str]
    values: dict[str, str]
    required: tuple[str, ...] = ()  # value columns that may not be null
    positive: tuple[str, ...] = ()  # value columns that must be > 0 where present

    @property
    def qualified(self) -> str:
        return f"raw.{self.name}"

    @property
    def columns(self) -> dict[str, str]:
        return {**self.key, **self.values}


PRICES = RawTable(
    "prices",
    key={"symbol": "VARCHAR", "date": "DATE"},
    values={
        "open": "DOUBLE",
        "high": "DOUBLE",
        "low": "DOUBLE",
        "close": "DOUBLE",
        "adj_close": "DOUBLE",
        "volume": "BIGINT",
    },
    required=("close",),
    positive=("open", "high", "low", "close", "adj_close"),
)
ETF_SHARES = RawTable(
    "etf_shares",
    key={"symbol": "VARCHAR", "date": "DATE"},
    values={"shares_outstanding": "DOUBLE", "nav": "DOUBLE", "total_net_assets": "DOUBLE"},
    positive=("shares_outstanding", "nav", "total_net_assets"),
)
MACRO_OBSERVATIONS = RawTable(
    "macro_observations",
    key={"series_id": "VARCHAR", "date": "DATE"},
    values={"value": "DOUBLE", "realtime_start": "DATE"},
    required=("value",),
)
VALUATIONS = RawTable(
    "valuations",
    key={"symbol": "VARCHAR", "date": "DATE", "metric": "VARCHAR"},
    values={"value": "DOUBLE"},
    required=("value",),
)
RAW_TABLES = {t.name: t for t in (PRICES, ETF_SHARES, MACRO_OBSERVATIONS, VALUATIONS)}

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
    keys varchar[]
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


def _table_ddl(table: RawTable) -> str:
    cols = [
        f"{name} {dtype}" + (" not null" if name in table.key or name in table.required else "")
        for name, dtype in table.columns.items()
    ]
    cols += ["source varchar not null", "loaded_at timestamp not null"]
    cols.append(f"primary key ({', '.join(table.key)})")
    return f"create table if not exists {table.qualified} ({', '.join(cols)})"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, its tables and the load log if they do not exist."""
    con.execute("create schema if not exists raw")
    for table in RAW_TABLES.values():
        con.execute(_table_ddl(table))
    con.execute(LOAD_LOG_DDL)
    con.execute(QUARANTINE_DDL)


AUDIT_DDL = """
create table if not exists audit.expectation_results (
    run_id varchar,
    suite varchar not null,
    table_name varchar not null,
    expectation varchar not null,
    column_name varchar,
    success boolean not null,
    observed_value varchar,
    unexpected_count bigint,
    unexpected_rows varchar,
    validated_at timestamp not null
)
"""


def append_audit(con: duckdb.DuckDBPyConnection, results: pd.DataFrame) -> None:
    """Append one validation's results to ``audit.expectation_results`` (columns as its DDL)."""
    con.execute("create schema if not exists audit")
    con.execute(AUDIT_DDL)
    con.register("audit_frame", results)
    try:
        con.execute("insert into audit.expectation_results by name select * from audit_frame")
    finally:
        con.unregister("audit_frame")


def last_dates(con: duckdb.DuckDBPyConnection, table_name: str) -> dict[str, object]:
    """The latest loaded date of each symbol or series in ``raw.<table_name>``."""
    ensure_schema(con)
    table = RAW_TABLES[table_name]
    key = next(iter(table.key))
    rows = con.execute(f"select {key}, max(date) from {table.qualified} group by all").fetchall()
    return dict(rows)


def _conform(table: RawTable, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` into the contract's usable rows and the quarantined ones (``reason``)."""
    absent = [c for c in (*table.key, *table.required) if c not in frame.columns]
    if absent:
        raise ValueError(f"{table.qualified}: frame lacks required column(s) {absent}")
    # optional value columns a provider does not deliver load as null
    given = frame.reindex(columns=list(table.columns)).reset_index(drop=True)
    key = list(table.key)
    null_keys = given[key].isna().any(axis=1)
    if null_keys.any():
        sample = given.loc[null_keys, key].head(3).to_dict("records")
        raise ValueError(
            f"{table.qualified}: {int(null_keys.sum())} row(s) with a null key: {sample}"
        )

    rows = given.copy()
    reasons = pd.Series("", index=given.index)
    for col, dtype in table.values.items():
        if dtype in ("DOUBLE", "BIGINT"):
            rows[col] = pd.to_numeric(given[col], errors="coerce")
            reasons[given[col].notna() & rows[col].isna()] += f"{col} is not a number; "
    for col in table.required:
        reasons[rows[col].isna() & (reasons == "")] += f"{col} is missing; "
    for col in table.positive:
        reasons[rows[col].le(0)] += f"{col} <= 0; "
    usable = reasons == ""
    rejected = given[~usable].assign(reason=reasons[~usable].str.removesuffix("; "))
    rows = rows[usable].drop_duplicates()

    dupes = rows.duplicated(subset=key, keep=False)
    if dupes.any():
        sample = rows.loc[dupes, key].head(4).to_dict("records")
        raise ValueError(
            f"{table.qualified}: {int(dupes.sum())} rows share a key but differ: {sample}"
        )
    return rows, rejected


def _quarantine_frame(table: RawTable, rejected: pd.DataFrame, load_id: str) -> pd.DataFrame:
    """Rejected rows as ``raw.quarantine`` rows: the key, the reason and the record as given."""
    names = [k for k in table.key if k != "date"]
    return pd.DataFrame(
        {
            "load_id": load_id,
            "table_name": table.qualified,
            "key": rejected[names].astype(str).agg("/".join, axis=1),
            "date": pd.to_datetime(rejected["date"], errors="coerce"),
            "reason": rejected["reason"],
            "record": [
                json.dumps({c: None if pd.isna(v) else str(v) for c, v in r.items()})
                for r in rejected.drop(columns="reason").to_dict("records")
            ],
        }
    )


def upsert(
    con: duckdb.DuckDBPyConnection,
    table_name: str,
    frame: pd.DataFrame,
    *,
    source: str,
    run_id: str | None = None,
) -> LoadResult:
    """Upsert ``frame`` into ``raw.<table_name>`` and log the load, all in one transaction.

    New keys are inserted; existing keys whose values differ are updated (with a new
    ``loaded_at``); identical rows are left untouched; unusable rows are quarantined. On any
    error the transaction is rolled back and the error re-raised: never a half-written load.
    """
    table = RAW_TABLES[table_name]
    rows, rejected = _conform(table, frame)
    load_id = str(uuid.uuid4())
    started_at = datetime.now(UTC).replace(tzinfo=None)
    key_cols = list(table.key)
    value_cols = list(table.values)
    key_match = " and ".join(f"t.{c} = s.{c}" for c in key_cols)

    def differs(old: str, new: str) -> str:
        return " or ".join(f"{old}.{c} is distinct from {new}.{c}" for c in value_cols)

    casts = ", ".join(f"cast({c} as {dtype}) as {c}" for c, dtype in table.columns.items())

    ensure_schema(con)
    con.execute("begin transaction")
    try:
        con.register("incoming_frame", rows)
        con.execute(f"create or replace temp table incoming as select {casts} from incoming_frame")
        con.unregister("incoming_frame")
        ((inserted, updated),) = con.execute(
            f"""
            select
                count(*) filter (where t.{key_cols[0]} is null),
                count(*) filter (where t.{key_cols[0]} is not null and ({differs("t", "s")}))
            from incoming s left join {table.qualified} t on {key_match}
            """
        ).fetchall()
        con.execute(
            f"""
            insert into {table.qualified} ({", ".join(table.columns)}, source, loaded_at)
            select s.*, ?, ? from incoming s
            on conflict ({", ".join(key_cols)}) do update set
                {", ".join(f"{c} = excluded.{c}" for c in value_cols)},
                source = excluded.source, loaded_at = excluded.loaded_at
            where {differs(table.name, "excluded")}
            """,
            [source, started_at],
        )
        ((min_date, max_date, keys),) = con.execute(
            f"select min(date), max(date), list(distinct {key_cols[0]} order by {key_cols[0]})"
            " from incoming"
        ).fetchall()
        con.execute("drop table incoming")
        if len(rejected):
            con.register("rejected_frame", _quarantine_frame(table, rejected, load_id))
            con.execute(
                "insert into raw.quarantine select load_id, table_name, key, cast(date as date),"
                " reason, record, ? from rejected_frame",
                [started_at],
            )
            con.unregister("rejected_frame")
        result = LoadResult(
            load_id=load_id,
            table=table.qualified,
            rows_received=len(frame),
            rows_inserted=inserted,
            rows_updated=updated,
            rows_unchanged=len(rows) - inserted - updated,
            rows_quarantined=len(rejected),
            min_date=min_date,
            max_date=max_date,
            keys=keys or [],
        )
        con.execute(
            "insert into raw.load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
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
                min_date,
                max_date,
                result.keys,
            ],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return result
