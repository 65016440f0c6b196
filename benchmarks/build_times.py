"""Whole-warehouse build times and peak memory, as `make run` builds it, on the sample source.

    .venv/bin/python benchmarks/build_times.py                  # the default universe
    .venv/bin/python benchmarks/build_times.py --members 1500   # 3,000 constituents x 30 years
    .venv/bin/python benchmarks/build_times.py --engine spark   # the models built by local Spark

Each case runs `dagster asset materialize --select '*'` in a fresh process against a warehouse
in a temporary folder, and measures its wall time and the peak resident memory of the process
tree (Dagster and dbt beside it, summed; sampled every 0.2 s from /proc):

1. cold: a new warehouse, every asset, with the sample ending one trading day early;
2. warm: the same again, nothing new;
3. incremental: the sample's end moved on by one trading day (one new day of every series).

Then where the time goes in each case, from Dagster's own step timings: the time in steps and
outside them (process start-up, imports, Dagster's run bookkeeping), and the slowest steps; and
inside the dbt step, from dbt's run_results.json, the seconds by kind of node (seeds, models,
tests, hooks) and the slowest models. With ``--engine spark`` the dbt step
also publishes the raw tables and lands the marts (docs/spark.md), and the peak memory includes
Spark's JVM. Prints a table; asserts nothing (a benchmark, not a test).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# the dbt step's hand-overs on Spark (dagster_project/transform.py logs them)
HANDOVER = re.compile(r"(raw tables published for Spark|landed in the warehouse) in ([\d.]+) s")
STEP = re.compile(
    r' - ([\w.]+) - STEP_SUCCESS - Finished execution of step "[^"]+" in ([\dhms.]+)\.'
)
UNITS = re.compile(r"([\d.]+)(ms|h|m|s)")  # Dagster writes 285ms, 1.51s, 1m0s
SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
END = "2026-06-30"
DAY_BEFORE = "2026-06-29"


def scratch_env(folder: Path, **variables: str) -> dict[str, str]:
    """The environment of a Dagster or dbt process working in ``folder`` (the other benchmarks
    use it too): this interpreter's executables first on PATH, a Dagster home in ``folder``
    without telemetry, no dbt usage statistics; plus ``variables``."""
    home = folder / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "DAGSTER_HOME": str(home),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **variables,
    }


def materialize(
    folder: Path, end: str, members: int, engine: str = "duckdb"
) -> tuple[float, float, Counter]:
    """Seconds, peak resident GB and seconds per step of one full materialization."""
    env = scratch_env(
        folder,
        ROTATION_SOURCE="sample",
        ROTATION_WAREHOUSE=str(folder / "rotation.duckdb"),
        ROTATION_SAMPLE_END=end,
        ROTATION_SAMPLE_MEMBERS=str(members),
        ROTATION_ENGINE=engine,
        ROTATION_SPARK_WAREHOUSE=str(folder / "spark"),
    )
    command = [str(BIN / "dagster"), "asset", "materialize", "-m", "dagster_project.definitions"]
    log = folder / "run.log"
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, "--select", "*"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.2)
    seconds = time.perf_counter() - started
    if process.returncode != 0:  # the folder is temporary: show the log's end
        tail = "\n".join(log.read_text().splitlines()[-60:])
        raise SystemExit(f"{tail}\nmaterialization failed (the log's end above)")
    steps = Counter()
    for step, duration in STEP.findall(log.read_text()):
        steps[step] += sum(float(v) * SECONDS[u] for v, u in UNITS.findall(duration))
    for handover, seconds_taken in HANDOVER.findall(log.read_text()):
        steps[f"(in the dbt step) {handover}"] += float(seconds_taken)
    return seconds, peak / 1024**3, steps


def dbt_breakdown() -> tuple[Counter, Counter]:
    """Seconds by kind of node and by model, of the newest dbt build (its run_results.json in
    the build's own target folder, which dagster-dbt keeps)."""
    builds = (ROOT / "dbt_models" / "target").glob("*/run_results.json")
    results = json.loads(max(builds, key=lambda p: p.stat().st_mtime).read_text())["results"]
    kinds, models = Counter(), Counter()
    for node in results:
        kind, *_, name = node["unique_id"].split(".")
        kinds[kind] += node["execution_time"]
        if kind == "model":
            models[name] += node["execution_time"]
    return kinds, models


def speed_probe() -> str:
    """How fast this machine is now. Its speed varies, within an evening too, and the figures of
    two runs compare only at the same speed, so each benchmark prints this beside them: the
    seconds for ``sum(range(10**8))`` and for importing great_expectations in a fresh process
    (imports, which every build is mostly made of, slow down apart from the arithmetic; the
    ranges seen are in docs/benchmarks.md)."""
    started = time.perf_counter()
    sum(range(10**8))
    arithmetic = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import great_expectations"], check=True)
    imports = time.perf_counter() - started
    return f"sum(range(10**8)) {arithmetic:.2f} s, import great_expectations {imports:.2f} s"


def tree_rss(pid: int) -> int:
    """Bytes resident in the process and all its descendants now (dbt runs beside Dagster)."""
    total = 0
    try:
        total = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGESIZE")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # the process ended meanwhile
        return total
    return total + sum(tree_rss(int(child)) for child in children)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100, help="members per sample index")
    parser.add_argument("--cold-only", action="store_true", help="only the cold build")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    args = parser.parse_args()
    cases = [("cold", DAY_BEFORE), ("warm", DAY_BEFORE), ("incremental", END)]
    results, probe = [], speed_probe()
    with tempfile.TemporaryDirectory(prefix="rotation-bench-") as tmp:
        for name, end in cases[:1] if args.cold_only else cases:
            seconds, gb, steps = materialize(Path(tmp), end, args.members, args.engine)
            results.append((name, seconds, gb, steps, dbt_breakdown()))
            print(f"{name}: {seconds:.1f} s, peak {gb:.2f} GB", flush=True)
    cpus = os.cpu_count()
    python = sys.version.split()[0]
    print(f"\n{args.engine}, {args.members} members per index, {cpus} cores, Python {python}")
    print(f"speed probe before: {probe}; after: {speed_probe()}")
    print("| build | wall s | peak resident GB | vs cold |")
    print("|---|---|---|---|")
    cold = results[0][1]
    for name, seconds, gb, _, _ in results:
        print(f"| {name} | {seconds:.1f} | {gb:.2f} | {seconds / cold:.2f} |")
    for name, seconds, _, steps, (kinds, models) in results:
        top = ", ".join(f"{step} {s:.1f}" for step, s in steps.most_common(6) if "(in" not in step)
        # the in-process executor runs one step at a time; the hand-overs are inside dbt's
        inside = sum(s for step, s in steps.items() if not step.startswith("(in the dbt step)"))
        print(f"\n{name}: {inside:.1f} s in steps, {seconds - inside:.1f} s outside them")
        print(f"slowest steps ({name}, s): {top}")
        handovers = {step: s for step, s in steps.items() if step.startswith("(in the dbt step)")}
        if handovers:
            print(f"Spark hand-overs ({name}, s): {handovers}")
        print(f"dbt nodes ({name}, s): " + ", ".join(f"{k} {s:.1f}" for k, s in kinds.items()))
        slowest = models.most_common(5)
        print(f"slowest models ({name}, s): " + ", ".join(f"{m} {s:.1f}" for m, s in slowest))


if __name__ == "__main__":
    main()
