"""Running the ingest assets in a test, and reading what they did: the load log, the metadata,
the checks and the warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from dagster import materialize

from dagster_project.ingest import all_ingest_assets
from dagster_project.resources import SourceResource, WarehouseResource, build_resources


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def files_at(data: Path, tmp_path: Path, start_date: str = "2026-01-01") -> dict:
    """The files source on the folder ``data``, with a warehouse in ``tmp_path``."""
    return build_resources(
        WarehouseResource(path=str(tmp_path / "w.duckdb")),
        SourceResource(name="files", data_dir=str(data), start_date=start_date),
    )


def by_key(key: str):
    """The ingest asset ``key`` ("raw/prices")."""
    return next(a for a in all_ingest_assets() if a.key.to_user_string() == key)


def load_prices(resources: dict, **config):
    """raw/prices materialized with the run config ``config`` (full_refresh, allow_shrink)."""
    run_config = {"ops": {"raw__prices": {"config": config}}} if config else None
    return materialize(
        [by_key("raw/prices")],
        resources=resources,
        raise_on_error=False,
        run_config=run_config,
    )


def materialization(result, node: str) -> dict:
    """The metadata of the node's one materialization, as plain values."""
    (event,) = result.asset_materializations_for_node(node)
    return {k: getattr(v, "value", v) for k, v in event.metadata.items()}


def completeness(result, name: str = "all_keys_loaded"):
    """The evaluation of one asset check of a run (raw/prices has two)."""
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == name]
    return check


def last_load(resources: dict) -> dict:
    """The latest row of raw.load_log."""
    with duckdb.connect(resources["warehouse"].database, read_only=True) as con:
        return (
            con.execute("select * from raw.load_log order by started_at desc limit 1")
            .df()
            .iloc[0]
            .to_dict()
        )


def query(resources: dict, sql: str) -> pd.DataFrame:
    with duckdb.connect(resources["warehouse"].database, read_only=True) as con:
        return con.sql(sql).df()
