"""What every test room shares: dbt on PATH without telemetry, a dbt manifest prepared once, no
connection beyond this machine, and the sample warehouse built once.

A room's own fixtures are in its conftest.py; helpers shared by several rooms in support/.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# dbt is run as an executable: the one beside this interpreter, even without an activated venv
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"

from dagster_dbt import DbtProject  # noqa: E402

from dagster_project.resources import DBT_PROJECT_DIR  # noqa: E402

# `make test` parses the project first; this covers a bare `pytest` on a fresh checkout.
_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
if not _project.manifest_path.exists():
    _project.preparer.prepare(_project)


# No test touches the internet: a connection to anything but this machine fails loudly.
_LOCAL = {"127.0.0.1", "::1", "localhost"}
_connect = socket.socket.connect


def _local_only_connect(sock: socket.socket, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL:
        raise OSError(f"tests may not connect to {address[0]}: serve it on 127.0.0.1 instead")
    return _connect(sock, address)


socket.socket.connect = _local_only_connect


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """Every asset materialized once on the default sample source; tests only read it."""
    from dagster_project.definitions import build_definitions
    from dagster_project.resources import WarehouseResource, build_resources

    if os.environ.get("ROTATION_TEST_WAREHOUSE"):  # a warehouse built already (development)
        return Path(os.environ["ROTATION_TEST_WAREHOUSE"])
    path = tmp_path_factory.mktemp("sample_warehouse") / "rotation.duckdb"
    job = build_definitions(
        build_resources(WarehouseResource(path=str(path)))
    ).resolve_implicit_global_asset_job_def()
    assert job.execute_in_process(raise_on_error=False).success
    return path


@pytest.fixture
def warehouse_copy(sample_warehouse, tmp_path) -> Path:
    """A copy of the sample warehouse that a test may change."""
    copy = tmp_path / "w.duckdb"
    shutil.copy(sample_warehouse, copy)
    return copy
