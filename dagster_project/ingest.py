"""Ingest assets: one per raw contract, each an upsert of what the configured source returns.

A load is incremental: each symbol or series is fetched from its last loaded date minus an
overlap (revisions overwrite), unless a full refresh is asked for. Keys are fetched one by one;
a key that fails is reported and does not stop the others, and the asset's blocking check
``all_keys_loaded`` then fails, so no mart is rebuilt on a partial load.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetsDefinition,
    Config,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_duckdb import DuckDBResource

from dagster_project import reference, warehouse
from dagster_project.resources import RotationSettings
from dagster_project.sources import FetchError, NotProvided, Source
from dagster_project.sources.files import FilesSource, unknown_file_message


@dataclass(frozen=True)
class Ingest:
    description: str
    folder: str  # the files source's folder
    keys: Callable[[], list[str]]  # the symbols or series to load
    fetch: Callable[[Source], Callable[[str, date, date], pd.DataFrame]]
    freshness: FreshnessPolicy


# Daily data: at 8 pm New York time each weekday, loaded within the past 24 hours (Dagster caps
# the window at the cron interval), so a day's close is in by the next weekday evening.
DAILY = FreshnessPolicy.cron(
    deadline_cron="0 20 * * 1-5", lower_bound_delta=timedelta(hours=24), timezone="America/New_York"
)
MARGIN = timedelta(days=10)
# Monthly macro: refreshed within the longest publication lag of a monthly series, plus a margin.
MONTHLY_MACRO = FreshnessPolicy.time_window(
    fail_window=timedelta(
        days=int(reference.macro_series().query("frequency == 'monthly'")["release_lag_days"].max())
    )
    + MARGIN
)
MONTHLY = FreshnessPolicy.time_window(fail_window=timedelta(days=31) + MARGIN)


INGESTS = {
    "prices": Ingest(
        "Daily OHLC, adjusted close and volume of every instrument.",
        "prices",
        reference.symbols,
        lambda source: source.prices,
        DAILY,
    ),
    "etf_shares": Ingest(
        "Daily shares outstanding, NAV and total net assets of every ETF.",
        "etf_shares",
        lambda: reference.symbols(kind="etf"),
        lambda source: source.etf_shares,
        DAILY,
    ),
    "macro_observations": Ingest(
        "Observations of every macro series, at the series' own frequency.",
        "macro",
        reference.series_ids,
        lambda source: source.macro,
        MONTHLY_MACRO,
    ),
    "valuations": Ingest(
        "Forward and trailing P/E (and other valuation metrics) of every instrument.",
        "valuations",
        reference.symbols,
        lambda source: source.valuations,
        MONTHLY,
    ),
}
COMPLETE_CHECK = "all_keys_loaded"


class IngestConfig(Config):
    full_refresh: bool = False  # fetch every key from ROTATION_START_DATE, not incrementally


@dataclass
class Fetched:
    frames: list[pd.DataFrame]
    failed: dict[str, str]  # key -> error (names the URL or file)
    not_provided: dict[str, str]


def fetch_keys(
    fetch: Callable[[str, date, date], pd.DataFrame],
    keys: list[str],
    last_loaded: dict[str, date],
    settings: RotationSettings,
) -> Fetched:
    """Fetch each key from its last loaded date minus the overlap (or from the start date)."""
    fetched = Fetched([], {}, {})
    for key in keys:
        start = settings.start
        if key in last_loaded:
            start = max(start, last_loaded[key] - timedelta(days=settings.overlap_days))
        try:
            fetched.frames.append(fetch(key, start, settings.end))
        except NotProvided as error:
            fetched.not_provided[key] = str(error)
        except FetchError as error:
            fetched.failed[key] = str(error)
    return fetched


def ignored_files(source: Source, ingest: Ingest) -> dict[str, str]:
    """Files of the files source's folder that name no known key: reported, never loaded."""
    if not isinstance(source, FilesSource):
        return {}
    # stray top-level entries (no folder) are reported once, with the prices
    folders = {ingest.folder, ""} if ingest.folder == "prices" else {ingest.folder}
    return {
        f: unknown_file_message(f)
        for f in source.unknown_files()
        if f.rpartition("/")[0] in folders
    }


def _metadata(result: warehouse.LoadResult, frame: pd.DataFrame, full_refresh: bool) -> dict:
    preview = frame.sort_values("date").tail(5) if len(frame) else frame
    return {
        "table": result.table,
        "dagster/row_count": result.rows_received,
        "rows_inserted": result.rows_inserted,
        "rows_updated": result.rows_updated,
        "rows_unchanged": result.rows_unchanged,
        "rows_quarantined": result.rows_quarantined,
        "min_date": str(result.min_date),
        "max_date": str(result.max_date),
        "keys_loaded": ", ".join(result.keys),
        "full_refresh": full_refresh,
        "load_id": result.load_id,
        "preview": MetadataValue.md(preview.to_markdown(index=False)),
    }


def _bullets(messages: dict[str, str]) -> MetadataValue:
    return MetadataValue.md("\n".join(f"- {m}" for m in messages.values()) or "none")


def _ingest_asset(table: str) -> AssetsDefinition:
    ingest = INGESTS[table]
    key = ["raw", table]

    @asset(
        key=key,
        group_name="ingest",
        kinds={"duckdb"},
        description=ingest.description,
        freshness_policy=ingest.freshness,
        check_specs=[
            AssetCheckSpec(
                COMPLETE_CHECK,
                asset=key,
                blocking=True,
                description="Every requested symbol or series was fetched and loaded.",
            )
        ],
    )
    def _load(
        context: AssetExecutionContext,
        config: IngestConfig,
        settings: RotationSettings,
        duckdb: DuckDBResource,
    ) -> MaterializeResult:
        source = settings.client()
        full_refresh = config.full_refresh or settings.full_refresh
        with duckdb.get_connection() as con:
            last_loaded = {} if full_refresh else warehouse.last_dates(con, table)
        fetched = fetch_keys(ingest.fetch(source), ingest.keys(), last_loaded, settings)
        for message in fetched.failed.values():
            context.log.error(message)
        ignored = ignored_files(source, ingest)
        for message in [*fetched.not_provided.values(), *ignored.values()]:
            context.log.warning(message)
        columns = list(warehouse.RAW_TABLES[table].columns)
        frame = pd.concat(fetched.frames) if fetched.frames else pd.DataFrame(columns=columns)
        with duckdb.get_connection() as con:
            result = warehouse.upsert(
                con, table, frame, source=source.name, run_id=context.run.run_id
            )
        context.log.info(
            f"{result.table}: {result.rows_inserted} inserted, {result.rows_updated} updated,"
            f" {result.rows_unchanged} unchanged, {result.rows_quarantined} quarantined"
            f" ({result.min_date}..{result.max_date})"
        )
        failed = sorted(fetched.failed)
        return MaterializeResult(
            metadata=_metadata(result, frame, full_refresh),
            check_results=[
                AssetCheckResult(
                    check_name=COMPLETE_CHECK,
                    passed=not failed,
                    description=f"failed: {', '.join(failed)}" if failed else "all keys loaded",
                    metadata={
                        "failed": _bullets(fetched.failed),
                        "not_provided_by_source": _bullets(fetched.not_provided),
                        "files_ignored": _bullets(ignored),
                    },
                )
            ],
        )

    return _load


ingest_assets = [_ingest_asset(table) for table in INGESTS]
