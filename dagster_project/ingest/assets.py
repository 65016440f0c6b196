"""The ingest assets, one per raw contract: fetch -> upsert -> checks -> metadata."""

from dataclasses import dataclass, field
from datetime import date
from functools import cache

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetsDefinition,
    MaterializeResult,
    asset,
)

from dagster_project.gate import PLAUSIBLE_TABLES
from dagster_project.ingest.checks import (
    check_specs,
    complete_check,
    current_check,
    load_metadata,
    quarantine_check,
)
from dagster_project.ingest.fetched import Fetched
from dagster_project.ingest.fetching import fetch_keys
from dagster_project.ingest.files import Files, ignored_files, reloaded
from dagster_project.ingest.listing import bullets, listed
from dagster_project.ingest.load import replacing, upsert
from dagster_project.ingest.members import Members, load_members
from dagster_project.ingest.run import Run
from dagster_project.ingest.specs import INGESTS, IngestConfig
from dagster_project.resources import (
    HttpResource,
    LoadingResource,
    SourceResource,
    WarehouseResource,
)
from dagster_project.sources.files import FilesSource
from dagster_project.warehouse import RAW_TABLES, LoadResult, last_dates


@dataclass
class Loaded:
    """What a run loaded: its keys (one load), and the members' batches (raw/prices)."""

    last_loaded: dict[str, date]  # before the run (empty on a full refresh)
    fetched: Fetched
    files: Files
    frame: pd.DataFrame | None = None  # the keys' load as staged: the metadata's preview
    results: list[LoadResult] = field(default_factory=list)
    members: Members | None = None

    def rebased(self) -> list[str]:
        """The histories fetched again whole: the source re-based them (``ingest.rebased``)."""
        members = self.members.fetched.rebased if self.members else []
        return sorted(self.fetched.rebased + members)

    def whole(self) -> dict[str, str]:
        """The keys reloaded whole: their file changed (``Files.whole``)."""
        return {**self.files.whole, **(self.members.files.whole if self.members else {})}

    def gone(self, table: str) -> dict[str, str]:
        """The keys whose file was loaded before and is gone (``Files.gone``)."""
        gone = self.files.gone(table, self.fetched)
        if self.members is not None:
            gone.update(self.members.files.gone(table, self.members.fetched))
        return gone


def _fetch(run: Run, keys: list[str]) -> Loaded:
    """``keys`` fetched, each from its last loaded date minus the overlap (or whole:
    ``Run.fetch_from``); first, the gate validates the stored rows loaded since the table's
    suite last passed (dagster_project.gate)."""
    with run.warehouse.get_connection() as con:
        run.load.gate.validate_stored(con)
        last_loaded = {} if run.full_refresh else last_dates(con, run.table)
        files, since, stored = run.fetch_from(con, keys, last_loaded)
    fetch = run.ingest.fetch(run.source)
    fetched = fetch_keys(fetch, keys, since, run.window, run.workers, stored)
    for message in fetched.failed.values():
        run.log.error(message)
    return Loaded(last_loaded, fetched, files)


def _upsert(run: Run, keys: list[str], loaded: Loaded) -> None:
    """The keys' frames upserted as one load."""
    whole, digests = loaded.files.whole, loaded.files.loaded(keys, loaded.fetched)
    with run.warehouse.get_connection() as con:
        result, loaded.frame = upsert(
            run, con, loaded.fetched.frames, *replacing(run, whole, keys), digests=digests
        )
    loaded.results = [] if result is None else [result]


def _warn(run: Run, loaded: Loaded, ignored: dict[str, str]) -> None:
    """Log what was left out: keys the source does not provide, files ignored or gone, and
    histories fetched again whole."""
    gone = loaded.gone(run.table)
    for message in [*loaded.fetched.not_provided.values(), *ignored.values(), *gone.values()]:
        run.log.warning(message)
    rebased = loaded.rebased()
    if rebased:
        run.log.warning(
            f"{len(rebased)} histories changed before their last loaded day (a dividend or"
            f" split re-based them at the source), fetched again whole: {listed(rebased)}"
        )


def _checks(
    run: Run, keys: list[str], loaded: Loaded, ignored: dict[str, str]
) -> list[AssetCheckResult]:
    """Every check's result, in the order of ``checks.check_specs``."""
    gate = run.load.gate
    results = [complete_check(gate, loaded.fetched, ignored)]
    with run.warehouse.get_connection() as con:
        suite_result = gate.record(con)
    if suite_result is not None:
        results.append(suite_result)
    if run.table in PLAUSIBLE_TABLES:
        results.append(gate.plausible_result())
    results.append(quarantine_check(run.context, run.table, loaded.results))
    if run.ingest.current:
        results.append(current_check(run, keys))
    if loaded.members is not None:
        results.append(loaded.members.check())
    return results


def _metadata(run: Run, loaded: Loaded) -> dict:
    """The loads' counts and preview, with what the files, re-based histories and members
    added."""
    metadata = load_metadata(run.table, loaded.results, loaded.frame, run.full_refresh)
    if isinstance(run.source, FilesSource) and not RAW_TABLES[run.table].snapshot:
        metadata["reloaded_whole"] = reloaded(run.log, loaded.whole(), run.window.start)
        metadata["files_gone"] = bullets(loaded.gone(run.table))
    if run.ingest.rebased:
        rebased = loaded.rebased()
        metadata["fetched_again_whole"] = listed(rebased) if rebased else "none"
    if loaded.members is not None:
        metadata["members"] = len(loaded.members.symbols)
        metadata["members_current"] = len(loaded.members.current)
        metadata["members_with_rows"] = loaded.members.loaded
    return metadata


def _ingest_asset(table: str) -> AssetsDefinition:
    ingest = INGESTS[table]

    @asset(
        key=["raw", table],
        group_name="ingest",
        kinds={"duckdb"},
        description=ingest.description,
        freshness_policy=ingest.freshness,
        deps=[["raw", d] for d in ingest.deps],
        check_specs=check_specs(table),
    )
    def _load(
        context: AssetExecutionContext,
        config: IngestConfig,
        source: SourceResource,
        http: HttpResource,
        loading: LoadingResource,
        warehouse: WarehouseResource,
    ) -> MaterializeResult:
        run = Run.start(context, table, config, source, http, loading, warehouse)
        keys = ingest.keys(run.source)
        loaded = _fetch(run, keys)
        _upsert(run, keys, loaded)
        if ingest.members:  # then the members' prices, fetched and upserted batch by batch
            loaded.members, batches = load_members(run, keys, loaded.last_loaded)
            loaded.results += batches
        members = loaded.members.symbols if loaded.members else []
        ignored = ignored_files(run.source, ingest, members)
        _warn(run, loaded, ignored)
        check_results = _checks(run, keys, loaded, ignored)
        return MaterializeResult(metadata=_metadata(run, loaded), check_results=check_results)

    return _load


@cache
def all_ingest_assets() -> list[AssetsDefinition]:
    """One asset per raw contract: built on first use, not at import (their checks read which
    suites ``expectations/`` holds)."""
    return [_ingest_asset(table) for table in INGESTS]
