"""The dbt project as Dagster assets: seeds, staging, marts; dbt tests become asset checks.

The manifest is prepared once (``make prepare``, or ``dagster dev`` through ``prepare_if_dev``)
and read when the definitions ask for the assets (``dbt_assets_definition``), never at import.
dbt sources ``raw.<table>`` map to the ingest assets ``raw/<table>``. Intermediate models and
marts are grouped by their domain folder (rotation, valuation, ...), the rest by schema.
"""

import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    AssetsDefinition,
    Output,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from dagster_project import marts, spark
from dagster_project.resources import DBT_PROJECT_DIR, DbtCli, EngineResource, WarehouseResource

KEPT_BUILDS = 10  # dbt target folders of past builds kept (prune_builds)


@cache
def dbt_project() -> DbtProject:
    """The dbt project; under ``dagster dev`` its manifest is parsed again first."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()
    return project


class RotationTranslator(DagsterDbtTranslator):
    """Models and seeds are keyed by schema and name (``marts/fct_rotation_daily``): the key
    shows the layer. The group is the domain folder of intermediate models and marts
    (``rotation``), so the UI shows domains; staging models and seeds keep their schema."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return marts.domain(dbt_resource_props) or dbt_resource_props["schema"]
        return super().get_group_name(dbt_resource_props)


@cache
def dbt_assets_definition() -> AssetsDefinition:
    """Every model and seed of the manifest as an asset, their dbt tests as checks."""
    project = dbt_project()

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=RotationTranslator(),
    )
    def rotation_dbt_assets(
        context: AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        engine: EngineResource,
    ) -> Iterator[Any]:
        """``dbt build`` of the selected models, seeds and data tests by the configured engine
        (each materialization's metadata names it); on Spark, by the dbt of Spark's own
        environment (``engine.spark_dbt_path``).

        dbt's unit tests check the models' SQL on fixed inputs, not the data: they run with the
        test suite (tests/marts/test_dbt_unit.py), not in every build.
        """
        if engine.is_spark:
            dbt = DbtCli(project_dir=dbt.project_dir, dbt_executable=str(engine.spark_dbt_path))
            started = time.perf_counter()
            with warehouse.get_connection() as con:
                published = spark.publish_raw(con, engine.spark_root)
            seconds = time.perf_counter() - started
            context.log.info(f"raw tables published for Spark in {seconds:.1f} s: {published}")
        dbt_vars = json.dumps(
            {
                "warehouse_path": warehouse.database,
                "duckdb_memory": warehouse.duckdb_memory,
                "spark_warehouse": engine.spark_root,
            }
        )
        args = ["build", "--vars", dbt_vars, "--exclude-resource-type", "unit_test"]
        invocation = dbt.cli([*args, "--target", engine.dbt_target], context=context)
        try:
            events = invocation.stream()
            if engine.is_spark:
                events = landed(context, events, warehouse, engine.spark_root)
            for event in events:
                if isinstance(event, Output | AssetMaterialization):
                    event = event.with_metadata({**event.metadata, "engine": engine.name})
                yield event
        finally:
            keep_parse(invocation.target_path)
            prune_builds(invocation.target_path)

    return rotation_dbt_assets


def landed(
    context: AssetExecutionContext, events: Iterator[Any], warehouse: WarehouseResource, root: str
) -> Iterator[Any]:
    """The build's events, its models' outputs held back until the marts and seeds Spark built
    are landed in the DuckDB warehouse (``spark.land_tables``), where the mart checks, serving
    and the report read them. A build that fails lands nothing: the warehouse keeps the last
    build's tables."""
    held = []
    for event in events:
        if isinstance(event, Output):
            held.append(event)
        else:
            yield event
    built = {tuple(context.asset_key_for_output(event.output_name).path) for event in held}
    tables = sorted(key for key in built if len(key) == 2 and key[0] in spark.LANDED_SCHEMAS)
    started = time.perf_counter()
    with warehouse.get_connection() as con:
        rows = spark.land_tables(con, root, tables)
    seconds = time.perf_counter() - started
    context.log.info(f"tables built by Spark, landed in the warehouse in {seconds:.1f} s: {rows}")
    yield from held


def keep_parse(build_target: Path) -> None:
    """Keep a build's parse of the project for the next build to start from.

    dagster-dbt gives every build its own target folder, seeded with the project's
    ``target/partial_parse.msgpack``. That one comes from ``make prepare`` (``dbt parse``, no
    vars), and dbt parses the whole project again when the vars or the profile differ, as
    they do in every build (the warehouse path). So the build's own parse replaces it: the next
    build with the same settings only re-reads what changed (dbt checks every file and var
    itself). Replaced whole, so a concurrent build reads the old file or the new one.
    """
    parsed = build_target / "partial_parse.msgpack"
    if not parsed.exists():
        return
    kept = Path(DBT_PROJECT_DIR, dbt_project().target_path, parsed.name)
    partial = kept.with_name(f"{parsed.name}.{os.getpid()}")
    shutil.copyfile(parsed, partial)
    os.replace(partial, kept)


def prune_builds(build_target: Path, keep: int = KEPT_BUILDS) -> None:
    """Delete the target folders of all but the newest ``keep`` builds of this asset.

    dagster-dbt leaves one per build (``<op>-<run id>-<hash>``: a manifest,
    compiled SQL and dbt's log), so a daily schedule would fill the disk. The newest stay for
    reading a failed build's dbt.log; ``build_target``, the one just done, always.
    """

    def modified(folder: Path) -> float:
        try:
            return folder.stat().st_mtime
        except OSError:  # deleted meanwhile by a concurrent build
            return 0.0

    op_name = build_target.name.split("-")[0]
    builds = sorted(build_target.parent.glob(f"{op_name}-*"), key=modified, reverse=True)
    for folder in builds[keep:]:
        if folder != build_target:
            shutil.rmtree(folder, ignore_errors=True)
