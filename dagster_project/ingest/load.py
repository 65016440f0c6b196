"""One load: fetched frames staged, validated and upserted in one transaction.

Each load is validated before it is written (dagster_project.gate: the table's suite,
plausibility against history, a history that would shrink): a refused load writes nothing, and
the asset's blocking checks fail.
"""

from datetime import date

import pandas as pd
from duckdb import DuckDBPyConnection

from dagster_project import vintages, warehouse
from dagster_project.ingest.run import Run
from dagster_project.plausibility import Provenance


def replacing(
    run: Run, whole: dict[str, str], keys: list[str]
) -> tuple[date | None, list[str] | None]:
    """``replace_from`` and ``replace_keys`` of a load of ``keys``: every key on a full refresh,
    else those reloaded whole (``Files.whole``)."""
    if run.full_refresh:
        return run.window.start, None
    replaced = [k for k in keys if k in whole]
    return (run.window.start, replaced) if replaced else (None, None)


def _new_vintages(
    con: DuckDBPyConnection,
    frame: pd.DataFrame,
    replace_from: date | None,
    replace_keys: list[str] | None,
) -> pd.DataFrame:
    """Macro observations dated as vintages: a replaced series' vintages are replaced, the
    others' only added to (those not stored yet)."""
    frame = vintages.dated(frame)
    if replace_from is not None and replace_keys is None:  # a full refresh: every series
        return frame
    replaced = frame["series_id"].isin(replace_keys or [])
    added = frame[~replaced]
    if len(added):
        stored = warehouse.macro_vintages(con, sorted(added["series_id"].unique()))
        added = vintages.new_vintages(added, stored, date.today())
    parts = [part for part in (frame[replaced], added) if len(part)]
    return pd.concat(parts, ignore_index=True) if parts else frame.iloc[:0]


def _summary(result: warehouse.LoadResult) -> str:
    return (
        f"{result.table}: {result.rows_inserted} inserted, {result.rows_updated} updated,"
        f" {result.rows_unchanged} unchanged, {result.rows_quarantined} quarantined"
        + (f", {result.rows_deleted} deleted" if result.rows_deleted else "")
        + f" ({result.min_date}..{result.max_date}; {len(result.keys)} key(s))"
    )


def upsert(
    run: Run,
    con: DuckDBPyConnection,
    frames: list[pd.DataFrame],
    replace_from: date | None = None,
    replace_keys: list[str] | None = None,
    digests: dict[str, tuple[str, str]] | None = None,
) -> tuple[warehouse.LoadResult | None, pd.DataFrame]:
    """One load: the frames staged, validated (``run.load.gate``) and upserted in one
    transaction, with its row in raw.load_log; None if it was refused (nothing written: the
    reasons are logged and kept in the gate). A full refresh (``replace_from``: its start date)
    replaces each fetched key's history from then; with ``replace_keys``, only theirs (files
    changed), the others load incrementally. ``digests``: the files read, recorded with the
    rows (``warehouse.upsert``)."""
    table = warehouse.RAW_TABLES[run.table]
    columns = list(table.columns)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    received = len(frame)
    if run.table == "macro_observations" and len(frame):
        frame = _new_vintages(con, frame, replace_from, replace_keys)
    provenance = Provenance.of(frame, next(iter(table.key)), f"the {run.source.name} source")
    try:
        result = warehouse.upsert(
            con,
            run.table,
            frame,
            source=run.source.name,
            run_id=run.context.run.run_id,
            replace_from=replace_from,
            replace_keys=replace_keys,
            digests=digests,
            rows_received=received,
            validate=run.load.gate.validator(provenance),
            max_shrink=run.load.max_shrink,
        )
    except warehouse.LoadRefused as refused:
        run.log.error(str(refused))
        run.load.gate.refused.append(str(refused))
        return None, frame
    run.log.info(_summary(result))
    return result, frame
