"""The pipeline room's set-up: a Dagster instance with the project's settings, and the asset job
on a short sample history."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.definitions import build_definitions
from dagster_project.resources import SourceResource, WarehouseResource, build_resources

INSTANCE_YAML = Path(__file__).resolve().parents[2] / "dagster_home" / "dagster.yaml"


@pytest.fixture
def dagster_home(tmp_path) -> Path:
    """A DAGSTER_HOME with the project's instance settings (those of `make run` and `make ui`)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE_YAML.read_text())
    return home


@pytest.fixture
def short_sample(tmp_path):
    """The resources of a warehouse in tmp_path on the sample source from 2025-06-01 (a short
    history, built quickly), and the job that materializes every asset into it."""
    resources = build_resources(
        WarehouseResource(path=str(tmp_path / "w.duckdb")), SourceResource(start_date="2025-06-01")
    )
    return resources, build_definitions(resources).resolve_implicit_global_asset_job_def()
