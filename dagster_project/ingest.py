"""Ingest assets: one per raw contract, each an upsert of what the configured source returns."""

from collections.abc import Callable

import pandas as pd
from dagster import AssetExecutionContext, AssetsDefinition, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from dagster_project import reference, warehouse
from dagster_project.resources import RotationSettings
from dagster_project.sources import Source

# table -> (what the source is asked for, how to fetch it, the key column naming the thing loaded)
Fetch = Callable[[Source, list[str], RotationSettings], pd.DataFrame]
INGESTS: dict[str, tuple[str, Callable[[], list[str]], Fetch]] = {
    "prices": (
        "Daily OHLC, adjusted close and volume of every instrument.",
        reference.symbols,
        lambda src, keys, s: src.prices(keys, s.start, s.end),
    ),
    "etf_shares": (
        "Daily shares outstanding, NAV and total net assets of every ETF.",
        lambda: reference.symbols(kind="etf"),
        lambda src, keys, s: src.etf_shares(keys, s.start, s.end),
    ),
    "macro_observations": (
        "Observations of every macro series, at the series' own frequency.",
        reference.series_ids,
        lambda src, keys, s: src.macro(keys, s.start, s.end),
    ),
    "valuations": (
        "Monthly forward and trailing P/E of small and large caps.",
        lambda: reference.symbols(kind="index"),
        lambda src, keys, s: src.valuations(keys, s.start, s.end),
    ),
}


def _metadata(result: warehouse.LoadResult, frame: pd.DataFrame) -> dict[str, object]:
    preview = frame.sort_values("date").tail(5)
    return {
        "table": result.table,
        "dagster/row_count": result.rows_received,
        "rows_inserted": result.rows_inserted,
        "rows_updated": result.rows_updated,
        "rows_unchanged": result.rows_unchanged,
        "min_date": str(result.min_date),
        "max_date": str(result.max_date),
        "keys_loaded": ", ".join(result.keys),
        "load_id": result.load_id,
        "preview": MetadataValue.md(preview.to_markdown(index=False)),
    }


def _ingest_asset(table: str) -> AssetsDefinition:
    description, keys_of, fetch = INGESTS[table]

    @asset(
        key=["raw", table],
        group_name="ingest",
        kinds={"duckdb"},
        description=description,
    )
    def _load(
        context: AssetExecutionContext, settings: RotationSettings, duckdb: DuckDBResource
    ) -> MaterializeResult:
        source = settings.client()
        frame = fetch(source, keys_of(), settings)
        with duckdb.get_connection() as con:
            result = warehouse.upsert(
                con, table, frame, source=source.name, run_id=context.run.run_id
            )
        context.log.info(
            f"{result.table}: {result.rows_inserted} inserted, {result.rows_updated} updated,"
            f" {result.rows_unchanged} unchanged ({result.min_date}..{result.max_date})"
        )
        return MaterializeResult(metadata=_metadata(result, frame))

    return _load


ingest_assets = [_ingest_asset(table) for table in INGESTS]
