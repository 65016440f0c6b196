"""The one entry point: assembles assets, checks and resources; defines nothing itself."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from dagster_project.checks import mart_suite_checks
from dagster_project.data_docs import data_docs
from dagster_project.ingest import all_ingest_assets
from dagster_project.report import rotation_report
from dagster_project.resources import resources_from_env
from dagster_project.schedules import schedules
from dagster_project.serving import serving_after_marts
from dagster_project.trading_calendar import trading_calendar
from dagster_project.transform import dbt_assets_definition


def build_definitions(resources: dict[str, object]) -> Definitions:
    """The project's definitions with ``resources`` (``resources.build_resources``)."""
    return Definitions(
        assets=[
            *all_ingest_assets(),
            trading_calendar,
            dbt_assets_definition(),
            data_docs,
            serving_after_marts(),
            rotation_report,
        ],
        asset_checks=mart_suite_checks(),
        schedules=schedules,
        resources=resources,
        # One process: the multiprocess executor re-parses dbt in every step (docs/benchmarks.md).
        executor=in_process_executor,
    )


# configured when a run launches, from the ROTATION_* variables (dagster_project.resources)
defs = build_definitions(resources_from_env())
