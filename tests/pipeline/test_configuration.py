"""The ROTATION_* variables reach the resources' fields when a run launches, with the defaults of
docs/configuration.md when unset; a run's config overrides them; a bad value names its variable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dagster import DagsterInvalidConfigError, EnvVar, asset, build_resources, materialize

from dagster_project import resources
from dagster_project.resources import (
    CONFIGURED,
    EngineResource,
    HttpResource,
    LoadingResource,
    SourceResource,
    WarehouseResource,
    at_launch,
    from_env,
    resources_from_env,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"

# every variable: its resource key and field, the documented default, a value and what it gives
VARIABLES = {
    "ROTATION_WAREHOUSE": ("warehouse", "path", "warehouse/rotation.duckdb", "/tmp/w.duckdb"),
    "ROTATION_DUCKDB_MEMORY": ("warehouse", "duckdb_memory", "2GB", "300MB"),
    "ROTATION_SERVING_KEEP": ("warehouse", "serving_keep", 3, ("2", 2)),
    "ROTATION_SERVING_KEEP_HOURS": ("warehouse", "serving_keep_hours", 24.0, ("0.5", 0.5)),
    "ROTATION_SOURCE": ("source", "name", "sample", "files"),
    "ROTATION_DATA_DIR": ("source", "data_dir", None, "/tmp/drop"),
    "ROTATION_START_DATE": ("source", "start_date", "1995-01-01", "2000-01-03"),
    "ROTATION_SAMPLE_SEED": ("source", "sample_seed", 42, ("7", 7)),
    "ROTATION_SAMPLE_END": ("source", "sample_end", "2026-06-30", "2025-12-31"),
    "ROTATION_SAMPLE_MEMBERS": ("source", "sample_members", 100, ("10", 10)),
    "ROTATION_FRED_URL": ("http", "fred_graph_url", "https://fred.stlouisfed.org", "http://f"),
    "ROTATION_FRED_API_URL": ("http", "fred_api_url", "https://api.stlouisfed.org", "http://a"),
    "FRED_API_KEY": ("http", "fred_api_key", None, "fred-key"),
    "ROTATION_YAHOO_URL": ("http", "yahoo_url", "https://query1.finance.yahoo.com", "http://y"),
    "ROTATION_STOOQ_URL": ("http", "stooq_url", "https://stooq.com", "http://s"),
    "STOOQ_API_KEY": ("http", "stooq_api_key", None, "stooq-key"),
    "ROTATION_ISHARES_URL": ("http", "ishares_url", "https://www.ishares.com", "http://i"),
    "ROTATION_SPDR_URL": ("http", "spdr_url", "https://www.ssga.com", "http://d"),
    "ROTATION_HTTP_TIMEOUT": ("http", "timeout", 30.0, ("2.5", 2.5)),
    "ROTATION_HTTP_RETRIES": ("http", "retries", 4, ("0", 0)),
    "ROTATION_HTTP_CONCURRENCY": ("http", "concurrency", 4, ("1", 1)),
    "ROTATION_HTTP_RATE": ("http", "rate", 2.0, ("0", 0.0)),
    "ROTATION_OVERLAP_DAYS": ("loading", "overlap_days", 10, ("3", 3)),
    "ROTATION_FULL_REFRESH": ("loading", "full_refresh", False, ("1", True)),
    "ROTATION_ALLOW_SHRINK": ("loading", "allow_shrink", False, ("yes", True)),
    "ROTATION_BATCH_SYMBOLS": ("loading", "batch_symbols", 250, ("50", 50)),
    "ROTATION_ENGINE": ("engine", "name", "duckdb", "spark"),
    "ROTATION_SPARK_WAREHOUSE": ("engine", "spark_warehouse", "warehouse/spark", "/tmp/spark"),
    "ROTATION_SPARK_TARGET": ("engine", "spark_target", "spark", "cluster"),
    "ROTATION_SPARK_DBT": ("engine", "spark_dbt", ".venv-spark/bin/dbt", "/opt/dbt/bin/dbt"),
}


def text_and_value(value) -> tuple[str, object]:
    return value if isinstance(value, tuple) else (value, value)


@pytest.fixture
def environ(monkeypatch):
    """No configuration variable set: each test sets its own."""
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def launched(**resource_config) -> dict:
    """The resources as a run launched now would have them, given run config for some."""
    config = {key: {"config": value} for key, value in resource_config.items()}
    with build_resources(resources_from_env(), resource_config=config) as resources:
        return {
            key: getattr(resources, key)
            for key in ("warehouse", "source", "http", "loading", "engine")
        }


def test_every_variable_is_a_field_of_one_resource_and_documented():
    by_resource = {v: r for r in CONFIGURED for v in r.VARIABLES.values()}
    assert sorted(by_resource) == sorted(VARIABLES)
    documented = set(re.findall(r"`((?:ROTATION|FRED|STOOQ)_[A-Z_]+)`", DOCS.read_text()))
    assert documented >= set(VARIABLES)


def test_an_unset_variable_leaves_its_documented_default(environ):
    resources = launched()
    for variable, (key, field, default, _) in VARIABLES.items():
        assert getattr(resources[key], field) == default, variable


def test_each_variable_reaches_its_field_when_a_run_launches(environ):
    for variable, (_, _, _, value) in VARIABLES.items():
        environ.setenv(variable, text_and_value(value)[0])
    definitions_resources = resources_from_env()  # as when the definitions load
    # text and whole numbers are read at launch: a change after the definitions load counts
    environ.setenv("ROTATION_WAREHOUSE", "/tmp/later.duckdb")
    environ.setenv("ROTATION_SAMPLE_SEED", "8")
    with build_resources(definitions_resources) as resources:
        for variable, (key, field, _, value) in VARIABLES.items():
            expected = {"ROTATION_WAREHOUSE": "/tmp/later.duckdb", "ROTATION_SAMPLE_SEED": 8}
            got = getattr(getattr(resources, key), field)
            assert got == expected.get(variable, text_and_value(value)[1]), variable


def test_keys_are_environment_variables_shown_by_name_only(environ):
    environ.setenv("FRED_API_KEY", "fred-secret")
    partial = at_launch(HttpResource)
    key = partial.data["fred_api_key"]
    assert isinstance(key, EnvVar) and key.env_var_name == "FRED_API_KEY"
    assert "fred-secret" not in repr(partial.data)


def test_a_runs_config_overrides_the_environment(environ):
    environ.setenv("ROTATION_WAREHOUSE", "/tmp/env.duckdb")
    environ.setenv("ROTATION_SAMPLE_SEED", "7")
    environ.setenv("ROTATION_HTTP_TIMEOUT", "5")
    resources = launched(source={"sample_seed": 3}, http={"timeout": 9.0})
    assert resources["source"].sample_seed == 3 and resources["http"].timeout == 9.0
    # the fields the run did not give keep the environment's values
    assert resources["warehouse"].path == "/tmp/env.duckdb"
    assert resources["source"].name == "sample"


def test_a_runs_config_reaches_the_assets(environ, tmp_path):
    """The launchpad's run config, as a run of an asset receives it."""
    environ.setenv("ROTATION_START_DATE", "2000-01-03")
    seen = {}

    @asset
    def configured(source: SourceResource, warehouse: WarehouseResource) -> None:
        seen.update(start=source.start, database=warehouse.database)

    run_config = {"resources": {"warehouse": {"config": {"path": str(tmp_path / "w.duckdb")}}}}
    assert materialize([configured], resources=resources_from_env(), run_config=run_config).success
    assert seen["start"] == SourceResource(start_date="2000-01-03").start  # the environment's
    assert seen["database"] == str(tmp_path / "w.duckdb")  # the run's


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"ROTATION_START_DATE": "01/01/2000"}, "ROTATION_START_DATE='01/01/2000' is not a date"),
        ({"ROTATION_SAMPLE_END": "2026-13-01"}, "ROTATION_SAMPLE_END='2026-13-01' is not a date"),
        ({"ROTATION_OVERLAP_DAYS": "-5"}, "ROTATION_OVERLAP_DAYS=-5 is negative"),
        ({"ROTATION_SOURCE": "file"}, "ROTATION_SOURCE='file' is not a source"),
    ],
)
def test_a_bad_setting_is_named(environ, variables, message):
    for variable, value in variables.items():
        environ.setenv(variable, value)
    resources = launched()
    with pytest.raises(ValueError, match=message):
        resources["source"].client(resources["http"])
        _ = resources["loading"].overlap


@pytest.mark.parametrize("variable", ["ROTATION_SAMPLE_SEED", "ROTATION_HTTP_RETRIES"])
def test_a_bad_whole_number_is_named_when_a_run_launches(environ, variable):
    environ.setenv(variable, "seven")
    with pytest.raises(DagsterInvalidConfigError, match=variable):
        launched()
    with pytest.raises(ValueError, match=f"{variable}='seven' is not a valid int"):
        from_env(SourceResource if "SAMPLE" in variable else HttpResource)


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("ROTATION_HTTP_TIMEOUT", "ROTATION_HTTP_TIMEOUT='soon' is not a valid float"),
        ("ROTATION_FULL_REFRESH", "ROTATION_FULL_REFRESH='soon' is not a valid bool"),
    ],
)
def test_a_bad_number_or_switch_is_named_when_the_definitions_load(environ, variable, message):
    environ.setenv(variable, "soon")
    resource = HttpResource if "HTTP" in variable else LoadingResource
    with pytest.raises(ValueError, match=message):
        at_launch(resource)


def test_an_unknown_engine_is_refused_naming_its_variable():
    engine = from_env(EngineResource, {"ROTATION_ENGINE": "flink"})
    with pytest.raises(ValueError, match=r"ROTATION_ENGINE='flink' is not an engine.*duckdb"):
        _ = engine.dbt_target


def test_the_engine_chooses_dbts_target():
    assert EngineResource().dbt_target == "dev"  # DuckDB: profiles.yml's default
    assert EngineResource(name="spark").dbt_target == "spark"
    assert EngineResource(name="spark", spark_target="cluster").dbt_target == "cluster"


def test_spark_builds_with_the_dbt_of_its_own_environment(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "PROJECT_ROOT", tmp_path)  # a relative path is from there
    dbt = tmp_path / ".venv-spark" / "bin" / "dbt"
    dbt.parent.mkdir(parents=True)
    dbt.touch()
    assert EngineResource().spark_dbt_path == dbt
    assert EngineResource(spark_dbt=str(dbt)).spark_dbt_path == dbt
    missing = tmp_path / "nowhere" / "dbt"
    message = rf"{re.escape(str(missing))}, which does not exist.*make spark-env"
    with pytest.raises(FileNotFoundError, match=message):
        _ = EngineResource(spark_dbt=str(missing)).spark_dbt_path
