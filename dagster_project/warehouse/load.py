"""A load: a frame upserted into its raw table and logged, all in one transaction.

``upsert`` runs the steps in order: ``conform`` (the usable rows and the ones to quarantine),
``stage`` (temp tables of what the load would write and delete), the ``guard`` (the caller's
validation and the shrink guard, which may refuse the load), ``apply`` (the writes), then the
file digests, the quarantine and the load log. Re-running a load with the same data changes
nothing (not even ``loaded_at``); a load that fails or is refused leaves every table exactly as
it was, load log included.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import duckdb
import pandas as pd

from dagster_project.warehouse.conform import conform
from dagster_project.warehouse.contracts import RAW_TABLES, RawTable
from dagster_project.warehouse.digests import keys_received, record_digests
from dagster_project.warehouse.guard import Validate, refuse_problems
from dagster_project.warehouse.loadlog import LoadResult, log_load
from dagster_project.warehouse.quarantine import quarantine_summary, record_quarantine
from dagster_project.warehouse.schema import ensure_schema, transaction
from dagster_project.warehouse.staging import StagedRows, apply, stage, stage_deletes, staged_rows


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

    The staged load is checked before anything is written: by ``validate`` (it may read the
    temp tables of ``staging``) and, with ``max_shrink``, by the shrink guard (``shrinking``).
    A problem raises ``LoadRefused``; any error rolls the transaction back and is re-raised.
    """
    table = RAW_TABLES[table_name]
    rows, rejected = conform(table, frame)
    load_id, started_at = str(uuid.uuid4()), datetime.now(UTC).replace(tzinfo=None)
    ensure_schema(con)
    with transaction(con):
        known = stage(con, table, rows, source, started_at)
        stage_deletes(con, table, rejected, replace_from, replace_keys)
        refuse_problems(con, table, replace_from, max_shrink, validate)
        usable = staged_rows(con, table)
        written = apply(con, table, known)
        record_digests(con, table, keys_received(table, frame), digests, load_id, started_at)
        record_quarantine(con, table, rejected, load_id, started_at)
        result = _result(load_id, table, frame, rejected, usable, written, rows_received)
        log_load(con, result, source, run_id, started_at)
    return result


def _result(
    load_id: str,
    table: RawTable,
    frame: pd.DataFrame,
    rejected: pd.DataFrame,
    usable: StagedRows,
    written: tuple[int, int, int],
    rows_received: int | None,
) -> LoadResult:
    """The load's counts: ``frame`` as received, ``rejected`` quarantined, of the ``usable``
    rows those ``written`` (inserted, updated, deleted); the rest, and the rows the caller left
    out (``rows_received`` beyond the frame's), unchanged."""
    inserted, updated, deleted = written
    left_out = (rows_received or len(frame)) - len(frame)
    return LoadResult(
        load_id=load_id,
        table=table.qualified,
        rows_received=len(frame) if rows_received is None else rows_received,
        rows_inserted=inserted,
        rows_updated=updated,
        rows_unchanged=usable.rows - inserted - updated + left_out,
        rows_quarantined=len(rejected),
        min_date=usable.min_date,
        max_date=usable.max_date,
        keys=usable.keys,
        rows_deleted=deleted,
        quarantined=quarantine_summary(table, rejected),
    )
