"""The Spark room's builds: the small sample materialized by an engine (tests/spark/)."""

from __future__ import annotations

from pathlib import Path

from dagster_project.definitions import build_definitions
from dagster_project.resources import (
    EngineResource,
    SourceResource,
    WarehouseResource,
    build_resources,
)

# 20 members per index over 10 years: every mart, small enough for a 2-core Spark
SMALL_SAMPLE = {"sample_members": 20, "start_date": "2016-07-01"}


def materialize_all(warehouse: Path, engine: EngineResource, **source: object) -> object:
    """Every asset of the small sample (``source`` changing its settings) materialized into
    ``warehouse`` by ``engine``."""
    resources = build_resources(
        WarehouseResource(path=str(warehouse)),
        SourceResource(**{**SMALL_SAMPLE, **source}),
        engine=engine,
    )
    job = build_definitions(resources).resolve_implicit_global_asset_job_def()
    return job.execute_in_process(raise_on_error=False)
