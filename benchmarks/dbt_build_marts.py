"""Benchmark: the dbt build of every model on the default sample universe.

Loads the sample source into a fresh DuckDB file (not timed), then times `dbt run` (models only)
and `dbt build` (seeds, models, data and unit tests), each repeated, and prints the figures.

    .venv/bin/python benchmarks/dbt_build_marts.py [--repeat 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from dagster import materialize

from dagster_project.ingest import all_ingest_assets
from dagster_project.resources import DBT_PROJECT_DIR, WarehouseResource, build_resources


def timed(args: list[str], warehouse: Path, target: Path) -> float:
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), *args, "--target-path", str(target), "--log-path", str(target)]
    command += ["--vars", json.dumps({"warehouse_path": str(warehouse)}), "--quiet"]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    start = time.perf_counter()
    subprocess.run(command, cwd=DBT_PROJECT_DIR, env=env, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        warehouse, target = Path(folder) / "rotation.duckdb", Path(folder) / "target"
        resources = build_resources(WarehouseResource(path=str(warehouse)))
        assert materialize(all_ingest_assets(), resources=resources).success
        timed(["seed"], warehouse, target)
        results = {
            "dbt run (models)": [timed(["run"], warehouse, target) for _ in range(repeat)],
            "dbt build (seeds, models, tests)": [
                timed(["build"], warehouse, target) for _ in range(repeat)
            ],
        }
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(
                "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts'"
                " order by table_name"
            ).fetchall()
    print(f"dbt on the sample universe ({os.cpu_count()} cores), {repeat} runs each")
    print(f"{'command':<36}{'median s':>10}{'min s':>10}{'max s':>10}")
    for name, times in results.items():
        print(f"{name:<36}{statistics.median(times):>10.1f}{min(times):>10.1f}{max(times):>10.1f}")
    print("\nmarts (rows): " + ", ".join(f"{t} {n:,}" for t, n in rows))


if __name__ == "__main__":
    main()
