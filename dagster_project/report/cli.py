"""The command line, ``python -m dagster_project.report``: the report from the configured
warehouse (ROTATION_WAREHOUSE), read-only, into a folder of your choice."""

import argparse
import sys
from pathlib import Path

import duckdb

from dagster_project.reference import PROJECT_ROOT
from dagster_project.report.data import load
from dagster_project.report.page import build
from dagster_project.resources import WarehouseResource, from_env


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m dagster_project.report",
        description="Write the rotation report from the configured warehouse (ROTATION_WAREHOUSE).",
    )
    parser.add_argument("--out", type=Path, help="folder (default: <warehouse dir>/report)")
    parser.add_argument("--png-only", action="store_true", help="the PNG charts, no index.html")
    args = parser.parse_args(argv)
    database = from_env(WarehouseResource).database
    with duckdb.connect(database, read_only=True) as con:
        data = load(con)
    folder = (args.out or Path(database).parent / "report").resolve()
    docs = (PROJECT_ROOT / "docs").resolve()
    if folder.is_relative_to(docs) and set(data.sources) != {"sample"}:
        sys.exit(
            f"{folder} is committed to the repository: write it from the sample source only "
            f"(this warehouse holds {', '.join(data.sources) or 'no'} data)."
        )
    report = build(data, folder, html_page=not args.png_only)
    for chart in report.charts:
        print(f"{folder / (chart.name + '.png')}{'' if chart.has_data else '  (no data)'}")
    if report.index:
        print(report.index)
