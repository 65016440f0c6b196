"""A load staged in temp tables inside its transaction, then applied to its raw table.

``stage`` and ``stage_deletes`` write what the load would do, without touching the table:

- ``incoming``: the usable rows, cast to the contract (exact duplicates collapsed; two rows with
  the same key and different values fail the load);
- ``stored_keys``: the values of the key's first column that have stored rows;
- ``changed``: the rows to insert or update, as they would be stored (``is_update`` marks the
  updates); identical rows are left out, so they keep their ``loaded_at``;
- ``doomed``: the keys of the stored rows to delete.

The load is validated on these (``guard``) before ``apply`` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from dagster_project.warehouse.contracts import RawTable
from dagster_project.warehouse.quarantine import quarantined_days


@dataclass(frozen=True)
class StagedRows:
    """The staged load's usable rows: how many, their first and last dates, and their keys
    (the values of the key's first column)."""

    rows: int
    min_date: object
    max_date: object
    keys: list[str]


def stage(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    rows: pd.DataFrame,
    source: str,
    loaded_at: datetime,
) -> bool:
    """Temp tables ``incoming``, ``stored_keys`` and ``changed`` (see the module's docstring).
    Returns whether any key has stored rows (a first load of its keys reads nothing more of the
    table)."""
    casts = ", ".join(f"cast({c} as {dtype}) as {c}" for c, dtype in table.columns.items())
    con.register("incoming_frame", rows)
    con.execute(
        f"create or replace temp table incoming as select distinct {casts} from incoming_frame"
    )
    con.unregister("incoming_frame")
    _refuse_conflicts(con, table)
    first = table.first_key
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


def stage_deletes(
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
        con.register("quarantined_days", quarantined_days(table, rejected))
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


def staged_rows(con: duckdb.DuckDBPyConnection, table: RawTable) -> StagedRows:
    """What the staged load's usable rows (``incoming``) are: see ``StagedRows``."""
    first = table.first_key
    ((rows, min_date, max_date, keys),) = con.execute(
        f"select count(*), min(date), max(date), list(distinct {first} order by {first})"
        " from incoming"
    ).fetchall()
    return StagedRows(rows, min_date, max_date, keys or [])


def apply(con: duckdb.DuckDBPyConnection, table: RawTable, known: bool) -> tuple[int, int, int]:
    """Write the staged load into its table and drop the temp tables: (inserted, updated,
    deleted). ``known``: some key has stored rows (else there is nothing to update or delete).
    """
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
    con.execute(
        "drop table incoming; drop table changed; drop table doomed; drop table stored_keys"
    )
    return inserted, updated, deleted
