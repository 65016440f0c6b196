"""The Spark room's set-up: the same small sample built by DuckDB and by a local Spark.

Spark needs Java and dbt-spark's environment (``.venv-spark``, which ``make test`` makes):
without them these tests are skipped with the reason, unless ``ROTATION_REQUIRE_SPARK=1`` (CI),
where they fail instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from support.spark_builds import materialize_all

from dagster_project.resources import EngineResource


def _missing() -> str | None:
    if shutil.which("java") is None:
        return "Java is not installed (Debian: apt-get install openjdk-17-jre-headless)"
    try:
        _ = EngineResource(name="spark").spark_dbt_path
    except FileNotFoundError as missing:
        return str(missing)
    return None


@pytest.fixture(scope="session")
def spark_ready() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("ROTATION_REQUIRE_SPARK") == "1":
        pytest.fail(f"ROTATION_REQUIRE_SPARK=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def duckdb_built(tmp_path_factory) -> Path:
    """The small sample, built by DuckDB."""
    path = tmp_path_factory.mktemp("duckdb_built") / "rotation.duckdb"
    assert materialize_all(path, EngineResource()).success
    return path


@pytest.fixture(scope="session")
def spark_built(spark_ready, tmp_path_factory):
    """The small sample built anew by Spark (the ingest into DuckDB, the models by Spark, the
    marts and seeds landed in the warehouse): the warehouse, the Spark folder and the run."""
    folder = tmp_path_factory.mktemp("spark_built")
    engine = EngineResource(name="spark", spark_warehouse=str(folder / "spark"))
    result = materialize_all(folder / "rotation.duckdb", engine)
    return folder / "rotation.duckdb", folder / "spark", result
