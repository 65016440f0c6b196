"""Benchmark: the breadth, concentration and rotation marts against their peers (issue #7).

Measured side by side, twice, on the sample source's raw tables (raw.prices, raw.constituents)
and the seeds (dbt_models/seeds/*.csv):

1. a full build, every implementation from nothing, on the sample ending one trading day early;
2. a daily refresh: the sample's end moved on by one trading day (one new day of every series
   loaded into the same warehouse, as the daily schedule does). Ours refreshes what it built in
   1 (its incremental models replace only the days the change reaches); the peers have nothing
   to keep and compute everything again, as they would.

The implementations:

  a) ours: `dbt run --select +fct_breadth_daily +fct_concentration_daily +fct_rotation_daily`
     (models only; the seeds are loaded first by a `dbt seed` that is not timed), with
     `--full-refresh` in 1;
  b) the pandas twin: the three marts in pandas/numpy by the tests' independent implementation
     (tests/support/rotation_twin.py and breadth_twin.py, peers_pandas.py: read raw.prices
     and raw.constituents from DuckDB into pandas, then groupby / searchsorted / sliding
     windows); its time includes the read, and is also shown without it;
  c) the limit: the same three tables from one hand-written DuckDB SQL script (CTEs, no dbt,
     peers_limit.py), run through the duckdb Python API on a copy of the warehouse.

Each peer runs in its own subprocess (peak RSS from os.wait4); the pandas twin is stopped if its
RSS exceeds --max-rss-gb. After each part the three results are compared row by row on the
marts' keys (every column: null positions equal, numbers within 1e-9, text equal) (exit status 1
if they disagree): in 2 that checks ours' incremental refresh against two full computations.

    .venv/bin/python benchmarks/marts_vs_peers.py [--members 100 | --warehouse FILE] [--repeat 3]

With --warehouse (a file with raw.* loaded) only the full build is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
from build_times import DAY_BEFORE, END, ROOT, scratch_env, speed_probe
from peers_compare import agreement, report

DBT_DIR = ROOT / "dbt_models"
SCRATCH = Path("/tmp/peers")
SELECT = "+fct_breadth_daily +fct_concentration_daily +fct_rotation_daily"


# ------------------------------------------------------------------------------ the harness
def _watch_rss(process: subprocess.Popen, max_rss_gb: float, stopped: threading.Event) -> None:
    """Kill ``process`` (and set ``stopped``) when its resident memory exceeds ``max_rss_gb``."""
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            text = status.read_text()
        except OSError:
            return
        rss_kb = int(text.split("VmRSS:")[1].split()[0]) if "VmRSS:" in text else 0
        if rss_kb > max_rss_gb * 1024 * 1024:
            stopped.set()
            process.send_signal(signal.SIGKILL)
            return
        time.sleep(0.1)


def peer_subprocess(kind: str, warehouse: Path, output: Path | None, max_rss_gb: float) -> dict:
    """Run one peer in a subprocess; its figures, peak RSS (GB), or why it was stopped."""
    command = [sys.executable, __file__, "--peer", kind, "--warehouse", str(warehouse)]
    if output is not None:
        command += ["--peer-output", str(output)]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    stopped = threading.Event()
    watcher = threading.Thread(target=_watch_rss, args=(process, max_rss_gb, stopped), daemon=True)
    watcher.start()
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    watcher.join()
    elapsed = time.perf_counter() - began
    peak = usage.ru_maxrss / 1024 / 1024
    if stopped.is_set():
        message = f"stopped above {max_rss_gb:g} GB RSS after {elapsed:.0f} s"
        return {"stopped": message, "peak_rss_gb": peak}
    if process.returncode != 0:
        raise RuntimeError(f"{kind} peer failed ({process.returncode})")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_rss_gb": peak}


def run_peer(kind: str, warehouse: Path, output: Path | None) -> dict:
    """In the peer's subprocess: run it, keep the pandas twin's marts in ``output``."""
    if kind == "sql":
        from peers_limit import run_limit

        return run_limit(warehouse)
    from peers_pandas import run_pandas

    figures, marts = run_pandas(warehouse)
    if output is not None:
        output.write_bytes(pickle.dumps(marts))
    return figures


def dbt(args: list[str], warehouse: Path) -> dict:
    command = [str(Path(sys.executable).with_name("dbt")), *args]
    command += ["--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
    command += ["--target-path", str(SCRATCH / "target"), "--log-path", str(SCRATCH / "logs")]
    command += ["--vars", json.dumps({"warehouse_path": str(warehouse)}), "--quiet"]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=DBT_DIR, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed")
    return {"seconds": seconds, "peak_rss_gb": usage.ru_maxrss / 1024 / 1024}


def load_sample(members: int, folder: Path, warehouse: Path, end: str) -> float:
    """Seconds to load the sample source's raw tables (`raw/*` assets only, with their checks)
    up to ``end`` into ``warehouse``, members per index."""
    env = scratch_env(
        folder,
        ROTATION_WAREHOUSE=str(warehouse),
        ROTATION_SAMPLE_MEMBERS=str(members),
        ROTATION_SAMPLE_END=end,
    )
    command = ["dagster", "asset", "materialize", "-m", "dagster_project.definitions"]
    command += ["--select", "key:raw/*"]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def machine() -> str:
    mem_kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    return (
        f"{os.cpu_count()} cores, {mem_kb / 1024 / 1024:.1f} GB RAM, Python "
        f"{platform.python_version()}, duckdb {duckdb.__version__}, pandas {pd.__version__};"
        f" speed probe: {speed_probe()}"
    )


def race(ours, source: Path, limit_db: Path, output: Path, args) -> dict[str, list[dict]]:
    """Each implementation ``args.repeat`` times, interleaved: ``ours()`` (a callable running
    dbt), the pandas twin on ``source`` (its first result kept in ``output``) and the limit on
    ``limit_db``."""
    runs: dict[str, list[dict]] = {"ours": [], "pandas": [], "limit": []}
    for i in range(args.repeat):
        runs["ours"].append(ours())
        if not runs["pandas"] or "stopped" not in runs["pandas"][-1]:
            kept = output if i == 0 else None
            runs["pandas"].append(peer_subprocess("pandas", source, kept, args.max_rss_gb))
        runs["limit"].append(peer_subprocess("sql", limit_db, None, 1e9))
    return runs


# ------------------------------------------------------------------------------ the two parts
def full_build(folder: Path, source: Path, args) -> bool:
    """Part 1 on copies of ``source``; whether the implementations agreed."""
    ours_db, limit_db, pandas_out = (
        folder / name for name in ("ours.duckdb", "limit.duckdb", "pandas.pkl")
    )
    shutil.copyfile(source, ours_db)
    shutil.copyfile(source, limit_db)
    with duckdb.connect(str(source), read_only=True) as con:
        price_rows = con.sql("select count(*) from raw.prices").fetchall()[0][0]
        constituent_rows = con.sql("select count(*) from raw.constituents").fetchall()[0][0]
    print(f"\n{price_rows:,} rows of raw.prices, {constituent_rows:,} of raw.constituents")
    print(f"machine: {machine()}")
    dbt(["seed"], ours_db)  # not timed

    def build() -> dict:
        return dbt(["run", "--full-refresh", "--select", SELECT], ours_db)

    runs = race(build, source, limit_db, pandas_out, args)
    label = "ours: dbt run --full-refresh (+3 marts, models only)"
    agreed = agreement(ours_db, limit_db, pandas_out)
    return report("1. Full build", label, runs, agreed, args.repeat)


def daily_refresh(folder: Path, args) -> bool:
    """Part 2: one new day loaded into the warehouse ours built in part 1; each run of ours
    refreshes a copy of it, at the same path (dbt parses the project again when a var
    changes). Whether the implementations agreed."""
    ours_db, limit_db, pandas_out = (
        folder / name for name in ("ours.duckdb", "limit.duckdb", "pandas.pkl")
    )
    new_day_db = folder / "new_day.duckdb"
    took = load_sample(args.members, folder, ours_db, END)
    print(f"\none new trading day ({END}) loaded in {took:.0f} s")
    shutil.copyfile(ours_db, new_day_db)
    shutil.copyfile(ours_db, limit_db)

    def refresh() -> dict:
        shutil.copyfile(new_day_db, ours_db)
        return dbt(["run", "--select", SELECT], ours_db)

    runs = race(refresh, new_day_db, limit_db, pandas_out, args)
    label = "ours: dbt run (+3 marts; incremental where it pays)"
    agreed = agreement(ours_db, limit_db, pandas_out)
    return report("2. Daily refresh: one new day", label, runs, agreed, args.repeat)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="a warehouse file with raw.* loaded")
    parser.add_argument("--members", type=int, default=100, help="sample members per index")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-rss-gb", type=float, default=12.0, help="stop the pandas twin")
    parser.add_argument("--peer", choices=["pandas", "sql"], help=argparse.SUPPRESS)
    parser.add_argument("--peer-output", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    if args.peer:
        print(json.dumps(run_peer(args.peer, args.warehouse, args.peer_output)))
        return
    SCRATCH.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder:
        folder = Path(folder)
        source = args.warehouse
        if source is None:
            source = folder / "rotation.duckdb"
            took = load_sample(args.members, folder, source, DAY_BEFORE)
            print(f"sample warehouse (--members {args.members}) loaded in {took:.0f} s")
        agreed = [full_build(folder, source, args)]
        if args.warehouse is None:
            agreed.append(daily_refresh(folder, args))
    if not all(agreed):
        sys.exit("\nthe implementations disagree: the timings above compare different work")


if __name__ == "__main__":
    main()
