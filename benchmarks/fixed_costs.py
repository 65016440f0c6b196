"""What every build pays before it touches any data: the floor under a one-day refresh.

    .venv/bin/python benchmarks/fixed_costs.py [--repeat 3]

Each line is a fresh process, timed from outside (median of --repeat runs):

1. the Python interpreter alone;
2. `dagster asset materialize` of a project with one trivial asset (Dagster's own floor);
3. importing our Dagster definitions (Dagster, dagster-dbt, pandas and our modules);
4. importing Great Expectations (the first check step of a run pays it);
5. `dbt run` selecting nothing: dbt's start-up, with the partial parse that `make prepare`
   leaves (as the Dagster step uses it), against a scratch warehouse.

`build_times.py` gives the whole builds these add up under. Prints a table; asserts nothing.
"""

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from build_times import BIN, ROOT, scratch_env, speed_probe

DBT_DIR = ROOT / "dbt_models"
ONE_ASSET = """
from dagster import Definitions, asset, in_process_executor

@asset
def one():
    return 1

defs = Definitions(assets=[one], executor=in_process_executor)
"""


def seconds(command: list[str], env: dict[str, str], repeat: int) -> float:
    """Median wall seconds of ``command``, which must succeed."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    python = str(BIN / "python")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "one_asset.py").write_text(ONE_ASSET)
        target = folder / "target"
        target.mkdir()
        shutil.copy(DBT_DIR / "target" / "partial_parse.msgpack", target)
        env = scratch_env(folder)
        dbt_vars = json.dumps({"warehouse_path": str(folder / "scratch.duckdb")})
        cases = {
            "Python interpreter": [python, "-c", "pass"],
            "Dagster, one trivial asset materialized": [
                str(BIN / "dagster"), "asset", "materialize", "-f", str(folder / "one_asset.py"),
                "--select", "*",
            ],
            "import our Dagster definitions": [python, "-c", "import dagster_project.definitions"],
            "import great_expectations": [python, "-c", "import great_expectations"],
            "dbt run selecting nothing (start-up)": [
                str(BIN / "dbt"), "run", "--quiet", "--select", "nothing_selected",
                "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                "--target-path", str(target), "--log-path", str(folder / "logs"),
                "--vars", dbt_vars,
            ],
        }  # fmt: skip
        print(
            f"median of {args.repeat} fresh processes, Python {platform.python_version()},"
            f" speed probe: {speed_probe()}"
        )
        print("| step | seconds |\n|---|---:|")
        for name, command in cases.items():
            print(f"| {name} | {seconds(command, env, args.repeat):.2f} |", flush=True)


if __name__ == "__main__":
    main()
