"""The one module that writes to the DuckDB warehouse: raw schemas, upserts, transactions, load log.

Every raw table has a key; a load is an upsert on that key inside one transaction, together with
its row in ``raw.load_log`` and the rows it quarantined. Re-running a load with the same data
changes nothing (not even ``loaded_at``); a load that fails leaves every table exactly as it was.

A table with a *snapshot* grain (``raw.constituents``: one snapshot per fund and date) is
loaded snapshot by snapshot: a load replaces each (fund, date) it carries, so a member that left
the fund is deleted from that date's snapshot (counted as ``rows_deleted``) rather than kept.

The marts' trading calendar, ``raw.trading_calendar``, is reference data the project builds
(dagster_project.trading_calendar), not a provider's load: it is written whole
(``write_trading_calendar``) and has no row in the load log.

A load from files (the files source) also records, per table and key, the file it read and its
SHA-256 in ``raw.file_digests``, in the same transaction: the next run compares each file with
it to tell a file changed anywhere (reloaded whole) from one that did not (loaded from its last
date minus the overlap). A load of a key from any other source drops the key's record: its
stored rows are then no longer those of the file.

Rows the warehouse cannot use (a value that is not a number, a price that is zero or negative, a
required value missing) go to ``raw.quarantine`` with the reason, and are counted in the load
log. Structural problems fail the whole load: a missing column, a null key, or two rows with the
same key and different values. A load is staged and validated before anything is written
(``upsert``'s ``validate`` and ``max_shrink``): a refused one raises ``LoadRefused`` and
writes nothing, not even its load log row.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb
import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RawTable:
    """A raw contract: its key columns and value columns (name -> DuckDB type)."""

    name: str
    key: dict[str, str]
    values: dict[str, str]
    required: tuple[str, ...] = ()  # value columns that may not be null
    positive: tuple[str, ...] = ()  # value columns that must be > 0 where present
    snapshot: tuple[str, ...] = ()  # key columns of a whole snapshot, replaced on each load

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
# Every vintage of every observation: (series_id, date, realtime_start) -> value, the value as
# published from realtime_start on. realtime_kind says where realtime_start comes from (see
# dagster_project.vintages): 'vintage' (the provider's real-time period: ALFRED, FRED's API, the
# sample's simulated vintages), 'release' (a published release date), 'estimate' (the
# project's release calendar) or 'loaded' (a revision from a source without vintages, known
# from the day a load first saw it).
MACRO_OBSERVATIONS = RawTable(
    "macro_observations",
    key={"series_id": "VARCHAR", "date": "DATE", "realtime_start": "DATE"},
    values={"value": "DOUBLE", "realtime_kind": "VARCHAR"},
    required=("value", "realtime_kind"),
)
VALUATIONS = RawTable(
    "valuations",
    key={"symbol": "VARCHAR", "date": "DATE", "metric": "VARCHAR"},
    values={"value": "DOUBLE"},
    required=("value",),
)
# Members of a fund (iShares holdings) or of an index (the sample's cross-section) on a date.
CONSTITUENTS = RawTable(
    "constituents",
    key={"fund": "VARCHAR", "date": "DATE", "symbol": "VARCHAR"},
    values={"name": "VARCHAR", "sector": "VARCHAR", "weight": "DOUBLE", "shares": "DOUBLE"},
    required=("weight",),  # a fraction of the fund's assets (0.0081 for 0.81%)
    positive=("shares",),
    snapshot=("fund", "date"),  # a load replaces the holdings of each fund and date it carries
)
RAW_TABLES = {t.name: t for t in (PRICES, ETF_SHARES, MACRO_OBSERVATIONS, VALUATIONS, CONSTITUENTS)}

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

# What each key's stored rows were last loaded from, for the files source (see the docstring).
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


def _table_ddl(table: RawTable) -> str:
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
        con.execute(_table_ddl(table))
    con.execute(LOAD_LOG_DDL)
    for migration in LOAD_LOG_MIGRATIONS:
        con.execute(migration)
    con.execute(QUARANTINE_DDL)
    con.execute(TRADING_CALENDAR_DDL)
    con.execute(FILE_DIGESTS_DDL)


@dataclass(frozen=True)
class CalendarResult:
    rows: int
    rows_inserted: int
    rows_deleted: int
    first_day: date | None
    last_day: date | None


def latest_loaded_day(con: duckdb.DuckDBPyConnection, instruments: list[str]) -> date | None:
    """The latest date that any of ``instruments`` (raw.prices), any ETF (raw.etf_shares) or
    any macro series (raw.macro_observations) has reached; None if nothing is loaded. Members'
    prices do not count: a member's file may run on after every instrument's."""
    ensure_schema(con)
    ((latest,),) = con.execute(
        """
        select max(day) from (
            select max(date) as day from raw.prices where symbol in (select unnest(?))
            union all
            select max(date) from raw.etf_shares
            union all
            select max(date) from raw.macro_observations
        )
        """,
        [instruments],
    ).fetchall()
    return latest


def write_trading_calendar(
    con: duckdb.DuckDBPyConnection, days: pd.DatetimeIndex
) -> CalendarResult:
    """Make raw.trading_calendar exactly ``days``, in one transaction: days new to it are
    inserted, days no longer in it deleted, the others left as they were (their loaded_at
    too, so a day's loaded_at says when it joined the calendar)."""
    ensure_schema(con)
    frame = pd.DataFrame({"trading_date": pd.DatetimeIndex(days).normalize().unique()})
    con.execute("begin transaction")
    try:
        con.register("calendar_frame", frame)
        ((deleted,),) = con.execute(
            "delete from raw.trading_calendar where trading_date not in"
            " (select cast(trading_date as date) from calendar_frame)"
        ).fetchall()
        ((inserted,),) = con.execute(
            "insert into raw.trading_calendar select distinct cast(trading_date as date), ?"
            " from calendar_frame where cast(trading_date as date) not in"
            " (select trading_date from raw.trading_calendar)",
            [datetime.now(UTC).replace(tzinfo=None)],
        ).fetchall()
        con.unregister("calendar_frame")
        ((rows, first, last),) = con.execute(
            "select count(*), min(trading_date), max(trading_date) from raw.trading_calendar"
        ).fetchall()
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return CalendarResult(rows, inserted, deleted, first, last)


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
    _ensure_audit(con)
    con.register("audit_frame", results)
    try:
        con.execute("insert into audit.expectation_results by name select * from audit_frame")
    finally:
        con.unregister("audit_frame")


VALIDATIONS_DDL = """
create table if not exists audit.validation_results (
    suite varchar primary key,
    run_id varchar,
    validated_at timestamp not null,
    result json not null
)
"""


def _ensure_audit(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists audit")
    con.execute(AUDIT_DDL)
    con.execute(VALIDATIONS_DDL)


def save_validation(
    con: duckdb.DuckDBPyConnection, suite: str, run_id: str | None, result_json: str
) -> None:
    """Keep the suite's latest Great Expectations validation result (JSON) for Data Docs."""
    _ensure_audit(con)
    con.execute(
        "insert or replace into audit.validation_results values (?, ?, ?, ?)",
        [suite, run_id, datetime.now(UTC).replace(tzinfo=None), result_json],
    )


def latest_validation(con: duckdb.DuckDBPyConnection, suite: str) -> tuple[str, str] | None:
    """The run id and result (JSON) of the suite's latest ``save_validation``, if any."""
    _ensure_audit(con)
    rows = con.execute(
        "select run_id, result from audit.validation_results where suite = ?", [suite]
    ).fetchall()
    return rows[0] if rows else None


def last_dates(con: duckdb.DuckDBPyConnection, table_name: str) -> dict[str, object]:
    """The latest loaded date of each symbol or series in ``raw.<table_name>``."""
    ensure_schema(con)
    table = RAW_TABLES[table_name]
    key = next(iter(table.key))
    rows = con.execute(f"select {key}, max(date) from {table.qualified} group by all").fetchall()
    return dict(rows)


def recent_prices(
    con: duckdb.DuckDBPyConnection, last_loaded: dict[str, object], days: int
) -> pd.DataFrame:
    """symbol, date, close, adj_close and last_date (the symbol's last loaded date, as given)
    of each symbol of ``last_loaded`` from ``days`` before that date on: what a load's overlap
    fetches again."""
    ensure_schema(con)
    since = pd.DataFrame({"symbol": list(last_loaded), "last_date": list(last_loaded.values())})
    since["last_date"] = pd.to_datetime(since["last_date"])
    con.register("recent_since", since)
    try:
        frame = con.execute(
            """
            select prices.symbol, prices.date, prices.close, prices.adj_close,
                recent_since.last_date
            from raw.prices as prices
            inner join recent_since on recent_since.symbol = prices.symbol
            where prices.date >= cast(recent_since.last_date as date) - cast(? as integer)
            """,
            [days],
        ).df()
    finally:
        con.unregister("recent_since")
    return frame.astype({"date": "datetime64[ns]", "last_date": "datetime64[ns]"})


def member_needs(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Every symbol of any holdings snapshot in ``raw.constituents``: the date its prices are
    needed until, None while it is in a fund's latest snapshot, else the first snapshot that
    no longer holds it (of its last fund): a member that left counts for the days it was held.
    """
    ensure_schema(con)
    rows = con.execute(
        """
        with held as (
            select fund, symbol, max(date) as last_held from raw.constituents group by all
        ),
        snapshots as (select distinct fund, date from raw.constituents),
        left_on as (
            select held.symbol, min(snapshots.date) as left_date
            from held
            left join snapshots
                on snapshots.fund = held.fund and snapshots.date > held.last_held
            group by held.fund, held.symbol
        )
        select symbol, if(bool_or(left_date is null), null, max(left_date))
        from left_on
        group by symbol
        order by symbol
        """
    ).fetchall()
    return dict(rows)


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


def file_digests(con: duckdb.DuckDBPyConnection, table_name: str) -> dict[str, tuple[str, str]]:
    """key -> (path, sha256) of the file each key of ``raw.<table_name>`` was last loaded from
    (keys last loaded from another source, or before digests were kept, are left out)."""
    ensure_schema(con)
    rows = con.execute(
        "select key, path, sha256 from raw.file_digests where table_name = ?",
        [RAW_TABLES[table_name].qualified],
    ).fetchall()
    return {key: (path, sha256) for key, path, sha256 in rows}


def _record_digests(
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


def macro_vintages(con: duckdb.DuckDBPyConnection, series_ids: list[str]) -> pd.DataFrame:
    """series_id, date, realtime_start, value of every stored vintage of ``series_ids``."""
    ensure_schema(con)
    return con.execute(
        "select series_id, cast(date as timestamp) as date,"
        " cast(realtime_start as timestamp) as realtime_start, value"
        " from raw.macro_observations where series_id in (select unnest(?))",
        [series_ids],
    ).df()


def latest_date(con: duckdb.DuckDBPyConnection, table_name: str, keys: list[str]) -> object:
    """The latest date loaded for any of ``keys`` in ``raw.<table_name>`` (None if none)."""
    ensure_schema(con)
    table = RAW_TABLES[table_name]
    key = next(iter(table.key))
    ((latest,),) = con.execute(
        f"select max(date) from {table.qualified} where {key} in (select unnest(?))", [keys]
    ).fetchall()
    return latest


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
    problems: list[tuple[str, np.ndarray]] = []  # (reason, rows it applies to), in order
    flagged = np.zeros(len(given), dtype=bool)
    for col, dtype in table.values.items():
        if dtype in ("DOUBLE", "BIGINT"):
            numeric = pd.to_numeric(given[col], errors="coerce").astype("float64")
            problems.append(
                (f"{col} is not a number", (given[col].notna() & numeric.isna()).to_numpy())
            )
            # infinite, or beyond BIGINT: DuckDB would refuse the whole load, naming no row
            limit = 2.0**63 if dtype == "BIGINT" else np.inf
            out_of_range = ~(numeric.abs() < limit) & numeric.notna()
            problems.append((f"{col} is out of range", out_of_range.to_numpy()))
            rows[col] = numeric.where(~out_of_range)
            flagged |= problems[-2][1] | problems[-1][1]
    for col in table.required:  # missing, unless already unusable for another reason
        problems.append((f"{col} is missing", rows[col].isna().to_numpy() & ~flagged))
        flagged |= problems[-1][1]
    for col in table.positive:
        problems.append((f"{col} <= 0", rows[col].le(0).to_numpy()))
        flagged |= problems[-1][1]
    bad = np.flatnonzero(flagged)
    reasons = [
        "; ".join(reason for reason, rows_hit in problems if rows_hit[i]) for i in bad.tolist()
    ]
    rejected = given.iloc[bad].assign(reason=reasons)
    # exact duplicates collapse and conflicting ones fail, in SQL (see upsert)
    return rows[~flagged], rejected


def _parsed_days(table: RawTable, rejected: pd.DataFrame) -> pd.DataFrame:
    """key (the first key column), date of the quarantined rows whose date parses."""
    first = next(iter(table.key))
    days = pd.DataFrame(
        {
            "key": rejected[first].astype(str).to_numpy(),
            "date": pd.to_datetime(rejected["date"], errors="coerce").to_numpy("datetime64[ns]"),
        }
    )
    return days.dropna()


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


def _refuse_conflicts(con: duckdb.DuckDBPyConnection, table: RawTable) -> None:
    """Raise if two different incoming rows (exact duplicates are gone) share a key."""
    key = ", ".join(table.key)
    clashes = con.execute(
        f"with keyed as (select {key}, count(*) over (partition by {key}) as n from incoming)"
        f" select {key}, count(*) over () from keyed where n > 1 order by {key} limit 4"
    ).df()
    if len(clashes):
        total = int(clashes.iloc[0, -1])
        sample = clashes[list(table.key)].to_dict("records")
        raise ValueError(f"{table.qualified}: {total} rows share a key but differ: {sample}")


class LoadRefused(ValueError):
    """A load the warehouse refused before writing anything: ``problems`` says why."""

    def __init__(self, table: str, problems: list[str]):
        self.table, self.problems = table, problems
        listed = "\n".join(f"- {p}" for p in problems[:20])
        more = f"\n- ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{table}: load refused, nothing written:\n{listed}{more}")


# A validation of a staged load (see upsert): the problems that refuse it, none if it passes.
Validate = Callable[[duckdb.DuckDBPyConnection, RawTable], list[str]]


def _stage(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    rows: pd.DataFrame,
    source: str,
    loaded_at: datetime,
) -> bool:
    """Temp tables ``incoming`` (the usable rows, cast to the contract), ``stored_keys`` (the
    values of the key's first column that have stored rows) and ``changed`` (the rows that would
    be inserted or updated, as they would be stored, ``is_update`` marking the updates). Returns
    whether any key has stored rows (a first load of its keys reads nothing more of the table).
    """
    casts = ", ".join(f"cast({c} as {dtype}) as {c}" for c, dtype in table.columns.items())
    con.register("incoming_frame", rows)
    con.execute(
        f"create or replace temp table incoming as select distinct {casts} from incoming_frame"
    )
    con.unregister("incoming_frame")
    _refuse_conflicts(con, table)
    first = next(iter(table.key))
    con.execute(
        f"create or replace temp table stored_keys as select distinct {first}"
        f" from {table.qualified} where {first} in (select distinct {first} from incoming)"
    )
    ((known,),) = con.execute("select count(*) from stored_keys").fetchall()
    if not known:
        con.execute(
            "create or replace temp table changed as select s.*, ?::varchar as source,"
            " ?::timestamp as loaded_at, false as is_update from incoming s",
            [source, loaded_at],
        )
        return False
    key_match = " and ".join(f"t.{c} = s.{c}" for c in table.key)
    differs = " or ".join(f"t.{c} is distinct from s.{c}" for c in table.values)
    con.execute(
        f"""
        create or replace temp table changed as
        select s.*, ?::varchar as source, ?::timestamp as loaded_at, t.{first} is not null
            as is_update
        from incoming s left join {table.qualified} t on {key_match}
        where t.{first} is null or ({differs})
        """,
        [source, loaded_at],
    )
    return True


def _stage_deletes(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    rejected: pd.DataFrame,
    replace_from: date | None,
    replace_keys: list[str] | None,
) -> None:
    """Temp table ``doomed``: the keys of the stored rows the load would delete. A snapshot's
    members missing from it; with ``replace_from``, each replaced key's stored rows from then
    that the load does not have (but not a row whose date the load has in quarantine)."""
    key_cols = list(table.key)
    key_match = " and ".join(f"t.{c} = s.{c}" for c in key_cols)
    first = f"t.{key_cols[0]}"
    parts, params = [f"select {', '.join(key_cols)} from {table.qualified} where false"], []
    if table.snapshot:
        part = " and ".join(f"t.{c} = p.{c}" for c in table.snapshot)
        parts.append(
            f"select {', '.join(f't.{c}' for c in key_cols)} from {table.qualified} t"
            f" join (select distinct {', '.join(table.snapshot)} from incoming) p on {part}"
            f" where not exists (select 1 from incoming s where {key_match})"
        )
    elif replace_from is not None and replace_keys != []:
        con.register("quarantined_days", _parsed_days(table, rejected))
        only = "" if replace_keys is None else f" and {first} in (select unnest(?))"
        parts.append(
            f"select {', '.join(f't.{c}' for c in key_cols)} from {table.qualified} t"
            f" where {first} in (select distinct {key_cols[0]} from incoming){only}"
            " and t.date >= ?"
            f" and not exists (select 1 from incoming s where {key_match})"
            " and not exists (select 1 from quarantined_days q"
            f" where q.key = {first} and q.date = t.date)"
        )
        params = [*([] if replace_keys is None else [list(replace_keys)]), replace_from]
    con.execute(f"create or replace temp table doomed as {' union all '.join(parts)}", params)
    if replace_from is not None and not table.snapshot and replace_keys != []:
        con.unregister("quarantined_days")


def shrinking(
    con: duckdb.DuckDBPyConnection, table: RawTable, replace_from: date, max_share: float
) -> list[str]:
    """The keys a replacing load (``doomed``) would shrink by more than ``max_share`` of their
    stored rows from ``replace_from``, each with the numbers."""
    first = next(iter(table.key))
    found = con.execute(
        f"""
        with stored as (
            select {first} as key, count(*) as n from {table.qualified}
            where date >= ? and {first} in (select distinct {first} from doomed)
            group by all
        ), deleting as (select {first} as key, count(*) as n from doomed group by all)
        select key, d.n, s.n from deleting d join stored s using (key)
        where d.n > ? * s.n order by key
        """,
        [replace_from, max_share],
    ).fetchall()
    return [
        f"{key}: this load would delete {deleted:,} of its {stored:,} stored rows from"
        f" {replace_from} ({deleted / stored:.0%}, more than the {max_share:.0%} allowed):"
        " the source now has fewer rows than the warehouse (a cut or partial file?)."
        " Set ROTATION_ALLOW_SHRINK=1 to replace the history on purpose"
        for key, deleted, stored in found
    ]


def _apply(con: duckdb.DuckDBPyConnection, table: RawTable, known: bool) -> tuple[int, int, int]:
    """Write the staged load into its table: (inserted, updated, deleted). ``known``: some key
    has stored rows (else there is nothing to update or delete)."""
    key_match = " and ".join(f"t.{c} = s.{c}" for c in table.key)
    value_cols = [*table.values, "source", "loaded_at"]
    updated = deleted = 0
    if known:
        ((updated,),) = con.execute(
            f"update {table.qualified} t set {', '.join(f'{c} = s.{c}' for c in value_cols)}"
            f" from changed s where s.is_update and {key_match}"
        ).fetchall()
        ((deleted,),) = con.execute(
            f"delete from {table.qualified} t using doomed s where {key_match}"
        ).fetchall()
    ((inserted,),) = con.execute(
        f"insert into {table.qualified} ({', '.join(table.columns)}, source, loaded_at)"
        f" select {', '.join(table.columns)}, source, loaded_at from changed where not is_update"
    ).fetchall()
    return inserted, updated, deleted


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    rejected: pd.DataFrame,
    load_id: str,
    at: datetime,
) -> None:
    """Keep the rejected rows in ``raw.quarantine``. A row refused before for the same reason
    is not added again: it moves to this load (``load_id``), which refused it again."""
    if not len(rejected):
        return
    con.register("rejected_frame", _quarantine_frame(table, rejected, load_id))
    same = (
        "q.table_name = r.table_name and q.key = r.key and q.date is not distinct from"
        " cast(r.date as date) and q.reason = r.reason and q.record = r.record"
    )
    con.execute(
        f"update raw.quarantine q set load_id = r.load_id from rejected_frame r where {same}"
    )
    con.execute(
        "insert into raw.quarantine select load_id, table_name, key, cast(date as date),"
        " reason, record, ? from rejected_frame r where not exists (select 1 from"
        f" raw.quarantine q where {same})",
        [at],
    )
    con.unregister("rejected_frame")


def quarantine_summary(table: RawTable, rejected: pd.DataFrame) -> list[dict]:
    """Per key of the rejected rows: how many, why, and their first dates."""
    if not len(rejected):
        return []
    names = [k for k in table.key if k != "date"]
    frame = rejected.assign(
        _key=rejected[names].astype(str).agg("/".join, axis=1),
        _date=pd.to_datetime(rejected["date"], errors="coerce"),
    )
    summary = []
    for key, rows in frame.groupby("_key", sort=True):
        days = rows["_date"].dropna().sort_values().dt.strftime("%Y-%m-%d").unique()
        summary.append(
            {
                "key": key,
                "rows": len(rows),
                "reasons": sorted(rows["reason"].unique()),
                "first_dates": list(days[:3]),
            }
        )
    return summary


def upsert(
    con: duckdb.DuckDBPyConnection,
    table_name: str,
    frame: pd.DataFrame,
    *,
    source: str,
    run_id: str | None = None,
    replace_from: date | None = None,
    replace_keys: list[str] | None = None,  # None: every key of the frame
    digests: dict[str, tuple[str, str]] | None = None,
    rows_received: int | None = None,
    validate: Validate | None = None,
    max_shrink: float | None = None,
) -> LoadResult:
    """Upsert ``frame`` into ``raw.<table_name>`` and log the load, all in one transaction.

    New keys are inserted; existing keys whose values differ are updated (with a new
    ``loaded_at``); identical rows are left untouched; unusable rows are quarantined. With
    ``replace_from`` (a full refresh's start, or a changed file's), each symbol or series of
    ``frame`` (of ``replace_keys`` only, when given: a load that mixes replaced and incremental
    keys) replaces its history from that date: its stored rows on other dates are deleted
    (counted in ``rows_deleted``), but not a row whose date the frame has in quarantine.
    ``digests`` (key -> (path, sha256)) are the files the rows were read from, recorded in
    ``raw.file_digests``; every key of ``frame`` without one loses its record. ``rows_received``:
    the rows the source gave, when the caller left out some that change nothing (a macro
    vintage already stored: ``vintages.new_vintages``); they count as unchanged.

    The load is staged and validated before anything is written: ``validate`` (with the temp
    tables ``changed``, the rows to insert or update as they would be stored, ``doomed``, the
    keys of the stored rows to delete, and ``stored_keys``, the keys with stored rows) and,
    with ``max_shrink``, a replacing load that would delete more than that share of a key's
    stored rows (``shrinking``). Any problem raises
    ``LoadRefused``, and the table, its quarantine, file digests and load log stay exactly as
    they were. On any error the transaction is rolled back and the error re-raised: never a
    half-written load.
    """
    table = RAW_TABLES[table_name]
    rows, rejected = _conform(table, frame)
    load_id = str(uuid.uuid4())
    started_at = datetime.now(UTC).replace(tzinfo=None)
    key_cols = list(table.key)

    ensure_schema(con)
    con.execute("begin transaction")
    try:
        known = _stage(con, table, rows, source, started_at)
        _stage_deletes(con, table, rejected, replace_from, replace_keys)
        problems = []
        if max_shrink is not None and replace_from is not None and not table.snapshot:
            problems += shrinking(con, table, replace_from, max_shrink)
        if validate is not None:
            problems += validate(con, table)
        if problems:
            raise LoadRefused(table.qualified, problems)
        ((usable,),) = con.execute("select count(*) from incoming").fetchall()
        inserted, updated, deleted = _apply(con, table, known)
        ((min_date, max_date, keys),) = con.execute(
            f"select min(date), max(date), list(distinct {key_cols[0]} order by {key_cols[0]})"
            " from incoming"
        ).fetchall()
        con.execute(
            "drop table incoming; drop table changed; drop table doomed; drop table stored_keys"
        )
        first_column = frame[key_cols[0]] if key_cols[0] in frame else pd.Series(dtype=object)
        keys_received = sorted(first_column.dropna().astype(str).unique())
        _record_digests(con, table, keys_received, digests, load_id, started_at)
        _quarantine(con, table, rejected, load_id, started_at)
        result = LoadResult(
            load_id=load_id,
            table=table.qualified,
            rows_received=len(frame) if rows_received is None else rows_received,
            rows_inserted=inserted,
            rows_updated=updated,
            rows_unchanged=usable - inserted - updated + (rows_received or len(frame)) - len(frame),
            rows_quarantined=len(rejected),
            min_date=min_date,
            max_date=max_date,
            keys=keys or [],
            rows_deleted=deleted,
            quarantined=quarantine_summary(table, rejected),
        )
        _log_load(con, result, source, run_id, started_at)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return result


def _log_load(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    source: str,
    run_id: str | None,
    started_at: datetime,
) -> None:
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


def unvalidated_since(con: duckdb.DuckDBPyConnection, table_name: str, suite: str) -> object:
    """When the first load of ``raw.<table_name>`` after the suite's last passing validation
    started (None if there is no such load): every row inserted or updated since has
    ``loaded_at`` at or after it.

    A validation passes when all its expectations do (``audit.expectation_results``: one row
    per expectation, one ``validated_at`` per validation). A failed validation does not count,
    so rows that failed stay to be validated by the next check until they are fixed.
    """
    ensure_schema(con)
    _ensure_audit(con)
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
    first = next(iter(table.key))
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
