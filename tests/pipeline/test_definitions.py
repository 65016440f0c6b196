"""The Dagster definitions load, and wire ingest -> checks -> dbt as the design says."""

from __future__ import annotations

import functools
import importlib.util
import inspect
import os
import shutil
from pathlib import Path

import dagster_dbt.core.resource
import pytest
from dagster import AssetKey
from dagster_dbt import DbtCliResource
from support.constituent_market import run_dbt

from dagster_project import marts
from dagster_project.definitions import build_definitions, defs
from dagster_project.resources import (
    DBT_PROJECT_DIR,
    WarehouseResource,
    build_resources,
    from_env,
)
from dagster_project.transform import KEPT_BUILDS

RAW = ["prices", "etf_shares", "macro_observations", "valuations"]
MARTS = [m.name for m in marts.marts()]  # the registry: every mart of the dbt project
BUILDS = DBT_PROJECT_DIR / "target"  # dagster-dbt's target folder of each dbt build is in it


def asset_graph():
    return defs.resolve_asset_graph()


def test_every_raw_contract_and_mart_is_an_asset():
    keys = {key.to_user_string() for key in asset_graph().get_all_asset_keys()}
    assert {f"raw/{t}" for t in RAW} <= keys
    assert {f"marts/{m}" for m in MARTS} <= keys
    assert {"reference/instruments", "reference/pairs", "reference/macro_series"} <= keys


def test_every_asset_can_be_materialized():
    # a dbt source that no asset writes becomes a key Dagster cannot materialize, and then
    # `dagster asset materialize --select key:raw/*` refuses to run (raw.load_log, once)
    graph = asset_graph()
    assert set(graph.get_all_asset_keys()) == set(graph.executable_asset_keys)


def test_dbt_sources_are_the_ingest_assets():
    graph = asset_graph()
    for table in RAW:
        staging = AssetKey(["staging", f"stg_raw__{table}"])
        assert AssetKey(["raw", table]) in graph.get(staging).parent_keys


def test_raw_prices_suite_is_a_blocking_check_and_dbt_tests_are_checks():
    graph = asset_graph()
    specs = [graph.get_check_spec(key) for key in graph.asset_check_keys]
    (gx,) = [s for s in specs if s.name == "expectations_raw_prices"]
    assert gx.blocking and gx.asset_key == AssetKey(["raw", "prices"])
    dbt_checks = {s.asset_key.to_user_string() for s in specs if s is not gx}
    assert {f"marts/{m}" for m in MARTS} <= dbt_checks


def test_the_cli_runs_in_process():
    job = defs.resolve_implicit_global_asset_job_def()
    assert job.executor_def.name == "in_process"


def test_the_dbt_resource_neither_runs_dbt_version_nor_opens_an_adapter(monkeypatch):
    # DbtCli replaces two private members of dagster-dbt's resource: if an upgrade renames
    # them, the replacements would silently stop applying
    assert isinstance(
        inspect.getattr_static(DbtCliResource, "_cli_version"), functools.cached_property
    )
    assert callable(inspect.getattr_static(DbtCliResource, "_initialize_dbt_core_adapter"))

    def no_subprocess(*args, **kwargs):
        pytest.fail(f"ran {args[0]}")

    monkeypatch.setattr(dagster_dbt.core.resource, "check_output", no_subprocess)
    dbt = build_resources()["dbt"]
    assert dbt._cli_version.major == 1  # dbt Core, from the installed package
    assert dbt._initialize_dbt_core_adapter(["build"]) is None


def test_each_source_refreshes_on_its_own_schedule():
    by_name = {s.name: s for s in defs.schedules}
    assert {n: (s.cron_schedule, s.execution_timezone) for n, s in by_name.items()} == {
        "daily_market_refresh": ("30 18 * * 1-5", "America/New_York"),
        "macro_refresh": ("0 9 * * 1-5", "America/New_York"),
        "valuation_refresh": ("0 7 2 * *", "America/New_York"),
    }
    graph = asset_graph()
    daily = by_name["daily_market_refresh"].job.selection.resolve(graph)
    keys = {k.to_user_string() for k in daily}
    assert {"raw/prices", "raw/etf_shares", "marts/fct_rotation_daily"} <= keys
    assert "raw/macro_observations" not in keys
    # the trading calendar runs as far as any instrument, ETF or macro series: a refresh of
    # either extends it, and the daily marts with it
    assert {"raw/trading_calendar", "marts/fct_macro_daily", "marts/rpt_rotation_scorecard"} <= keys
    macro = by_name["macro_refresh"].job.selection.resolve(graph)
    assert {"raw/trading_calendar", "marts/fct_etf_flows_segment_daily"} <= {
        k.to_user_string() for k in macro
    }
    valuation = by_name["valuation_refresh"].job.selection.resolve(graph)
    valuation_keys = {k.to_user_string() for k in valuation}
    assert {"raw/constituents", "marts/fct_valuation_monthly", "marts/fct_breadth_daily"} <= (
        valuation_keys
    )


def test_the_duckdb_memory_limit_reaches_the_ingest_connections_and_dbt(tmp_path):
    """ROTATION_DUCKDB_MEMORY bounds DuckDB in the Dagster process and in dbt's."""
    warehouse = tmp_path / "w.duckdb"
    resource = from_env(
        WarehouseResource,
        {"ROTATION_WAREHOUSE": str(warehouse), "ROTATION_DUCKDB_MEMORY": "300MB"},
    )
    with resource.get_connection() as con:
        ((limit,),) = con.execute("select current_setting('memory_limit')").fetchall()
    assert limit == "286.1 MiB"  # DuckDB shows 300 MB (10^6 bytes) in MiB

    shown = run_dbt(
        warehouse,
        tmp_path,
        "show",
        "--inline",
        "select current_setting('memory_limit') as m",
        "--output",
        "json",
        dbt_vars={"duckdb_memory": resource.duckdb_memory},
    )
    assert "286.1 MiB" in shown


def build_instruments_seed(sample_warehouse, folder: Path, times: int) -> list[Path]:
    """dagster-dbt's target folder of each of ``times`` builds of the instruments seed (on a
    copy of the sample warehouse: the seed's tests read the marts)."""
    warehouse = folder / "rotation.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    resources = build_resources(from_env(WarehouseResource, {"ROTATION_WAREHOUSE": str(warehouse)}))
    job = build_definitions(resources).resolve_implicit_global_asset_job_def()
    targets = []
    for _ in range(times):
        result = job.execute_in_process(asset_selection=[AssetKey(["reference", "instruments"])])
        assert result.success
        # <op name>-<run id[:7]>-<hash>
        (target,) = BUILDS.glob(f"rotation_dbt_assets-{result.run_id[:7]}-*")
        targets.append(target)
    return targets


def test_a_dbt_build_starts_from_the_previous_builds_parse(sample_warehouse, tmp_path):
    """The second build with the same settings re-parses only what changed (dbt's partial
    parsing), not the whole project: dagster_project.transform.keep_parse."""
    first, second = build_instruments_seed(sample_warehouse, tmp_path, 2)
    assert "Unable to do partial parsing" in (first / "dbt.log").read_text()  # other vars kept
    log = (second / "dbt.log").read_text()
    assert "Unable to do partial parsing" not in log
    assert "Partial parsing enabled" in log


def test_only_the_newest_dbt_build_folders_are_kept(sample_warehouse, tmp_path):
    old = []
    for i in range(KEPT_BUILDS + 2):
        folder = BUILDS / f"rotation_dbt_assets-test{i:03}-0000000"
        (folder / "compiled").mkdir(parents=True, exist_ok=True)
        (folder / "dbt.log").write_text("an old build")
        os.utime(folder, (1e9 + i, 1e9 + i))  # 2001, the newest last
        old.append(folder)
    (current,) = build_instruments_seed(sample_warehouse, tmp_path, 1)
    assert current.exists()
    kept = sorted(BUILDS.glob("rotation_dbt_assets-*"))
    assert len(kept) == KEPT_BUILDS
    assert not any(folder.exists() for folder in old[: len(old) - KEPT_BUILDS + 1])


def test_pyspark_stays_out_of_the_dagster_environment():
    """Beside Great Expectations, PySpark ends a process whose main module is no file (the UI's
    run workers) at ``import great_expectations`` (docs/spark.md): Spark's dbt has its own
    environment, .venv-spark."""
    assert importlib.util.find_spec("pyspark") is None
