"""Run SQL files read-only against the published marts and print each answer.

    .venv/bin/python -m dagster_project.query queries/*.sql
    .venv/bin/python -m dagster_project.query --database other.duckdb queries/06_scorecard.sql

The default database is the serving layer (``serving.duckdb`` beside ``ROTATION_WAREHOUSE``),
which a running build never locks.
"""

import argparse
import sys
from pathlib import Path

import duckdb

from dagster_project.resources import WarehouseResource, from_env
from dagster_project.serving import serving_paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="SQL files, one query each")
    parser.add_argument("--database", type=Path, help="default: the serving database")
    args = parser.parse_args(argv)
    database = args.database or serving_paths(from_env(WarehouseResource).database)[0]
    if not database.exists():
        print(f"{database} does not exist yet: run `make run` first", file=sys.stderr)
        return 1
    with duckdb.connect(str(database), read_only=True) as con:
        for path in args.files:
            question = path.read_text().splitlines()[0].removeprefix("-- ")
            answer = con.sql(path.read_text()).df()
            print(f"\n{path.name}: {question}\n{answer.to_string(index=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
