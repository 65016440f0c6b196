"""One run of an ingest asset: what every step of its load reads."""

from dataclasses import dataclass
from datetime import date

import pandas as pd
from dagster import AssetExecutionContext, DagsterLogManager
from duckdb import DuckDBPyConnection

from dagster_project import plausibility
from dagster_project.gate import Gate
from dagster_project.ingest.files import Files, files_of
from dagster_project.ingest.rebased import stored_overlaps
from dagster_project.ingest.specs import INGESTS, Ingest, IngestConfig, Window
from dagster_project.resources import (
    HttpResource,
    LoadingResource,
    SourceResource,
    WarehouseResource,
)
from dagster_project.sources import Source


@dataclass
class Load:
    """What every load of one ingest asset's run must pass (see dagster_project.gate)."""

    gate: Gate
    max_shrink: float | None  # None: a replacing load may delete any share (allowed on purpose)

    @classmethod
    def of(cls, table: str, run_id: str, allow_shrink: bool) -> "Load":
        shrink = None if allow_shrink else plausibility.bounds()[("max_shrink", "all")]
        return cls(Gate(table, run_id), shrink)


@dataclass
class Run:
    """An ingest asset's run: its table, the configured source, and the warehouse it loads."""

    context: AssetExecutionContext
    warehouse: WarehouseResource
    table: str
    source: Source
    window: Window
    full_refresh: bool  # every key fetched from the start date, its history replaced
    load: Load
    batch_symbols: int  # member prices are committed every this many symbols

    @classmethod
    def start(
        cls,
        context: AssetExecutionContext,
        table: str,
        config: IngestConfig,
        source: SourceResource,
        http: HttpResource,
        loading: LoadingResource,
        warehouse: WarehouseResource,
    ) -> "Run":
        """The run as configured: the run's config, else the resources."""
        window = Window(source.start, source.end, loading.overlap)
        full_refresh = config.full_refresh or loading.full_refresh
        allow_shrink = config.allow_shrink or loading.allow_shrink
        load = Load.of(table, context.run.run_id, allow_shrink)
        return cls(
            context,
            warehouse,
            table,
            source.client(http),
            window,
            full_refresh,
            load,
            loading.batch_symbols,
        )

    @property
    def ingest(self) -> Ingest:
        return INGESTS[self.table]

    @property
    def log(self) -> DagsterLogManager:
        return self.context.log

    @property
    def workers(self) -> int:
        """How many keys are fetched at once."""
        return max(1, int(self.source.concurrency or 1))

    def fetch_from(
        self, con: DuckDBPyConnection, keys: list[str], last_loaded: dict[str, date]
    ) -> tuple[Files, dict[str, date], pd.DataFrame | None]:
        """Where the fetch of ``keys`` starts: the files source's keys to reload whole
        (``Files.whole``), the last loaded date of the others (their overlap is fetched), and
        the stored overlaps of the histories a source may re-base (``rebased``)."""
        files = files_of(con, self.source, self.table, keys, last_loaded)
        since = {k: d for k, d in last_loaded.items() if k not in files.whole}
        return files, since, stored_overlaps(con, self.table, keys, since, self.window)
