"""The quarantine: the rows a load could not use, kept in ``raw.quarantine`` with the reason.

A load keeps its rejected rows (``conform``) in the same transaction as its rows, and counts them
in its load log row. A row refused before for the same reason is not added again.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

from dagster_project.warehouse.contracts import RawTable


def record_quarantine(
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
    con.register("rejected_frame", quarantine_frame(table, rejected, load_id))
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


def quarantine_frame(table: RawTable, rejected: pd.DataFrame, load_id: str) -> pd.DataFrame:
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


def quarantined_days(table: RawTable, rejected: pd.DataFrame) -> pd.DataFrame:
    """key (the first key column), date of the quarantined rows whose date parses."""
    days = pd.DataFrame(
        {
            "key": rejected[table.first_key].astype(str).to_numpy(),
            "date": pd.to_datetime(rejected["date"], errors="coerce").to_numpy("datetime64[ns]"),
        }
    )
    return days.dropna()
