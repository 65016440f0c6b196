"""The Dagster UI end to end: `dagster dev` as `make ui` starts it, "Materialize all" through
the webserver's GraphQL API (ui_graphql.py, as the UI sends it), every asset check reported, and
a clean stop on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import requests
from ui_graphql import (
    ASSET_CHECKS_QUERY,
    ASSET_JOB,
    LAUNCH_MUTATION,
    RUN_LOGS_QUERY,
    RUN_QUERY,
    WORKSPACE_QUERY,
    GraphQL,
    materialize_all_params,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

STARTUP_TIMEOUT = 120  # seconds until the code location is loaded
RUN_TIMEOUT = 300  # seconds until the run ends
STOP_TIMEOUT = 60  # seconds between Ctrl-C and the exit of `dagster dev`
TERMINAL_STATUSES = {"SUCCESS", "FAILURE", "CANCELED"}


@dataclass
class DevServer:
    process: subprocess.Popen
    url: str
    log: Path
    warehouse: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_members(pgid: int) -> list[str]:
    """Live processes (zombies aside) of the process group, as `pid state command` lines."""
    listing = subprocess.run(
        ["ps", "-A", "-o", "pid=,pgid=,stat=,args="], capture_output=True, text=True, check=True
    ).stdout
    members = []
    for line in listing.splitlines():
        pid, group, state, *command = line.split(None, 3)
        if int(group) == pgid and not state.startswith("Z"):
            members.append(f"{pid} {state} {' '.join(command)}")
    return members


def server_env(home: Path, warehouse: Path) -> dict[str, str]:
    """The user's environment without any ROTATION_* choice, pointed at temporary paths."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ROTATION_")
        and key not in {"DAGSTER_HOME", "FRED_API_KEY", "STOOQ_API_KEY"}
    }
    env.update(
        DAGSTER_HOME=str(home),
        ROTATION_WAREHOUSE=str(warehouse),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        # dbt must be on PATH: `dagster dev` re-parses the dbt project when it loads the code
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    return env


@pytest.fixture
def dev_server(dagster_home, tmp_path) -> Iterator[DevServer]:
    """`dagster dev` as `make ui` runs it, on a free port, a temporary instance and warehouse.

    `env --default-signal=INT` restores SIGINT's default disposition, which a shell ignores for
    background jobs: without it `dagster dev` never sees Ctrl-C. The server is its own process
    group, so whatever the test leaves behind is killed here.
    """
    warehouse = tmp_path / "warehouse" / "rotation.duckdb"
    port = free_port()
    log = tmp_path / "dagster_dev.log"
    command = [
        "env",
        "--default-signal=INT",
        str(VENV_BIN / "dagster"),
        "dev",
        "-m",
        "dagster_project.definitions",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=server_env(dagster_home, warehouse),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = DevServer(process, f"http://127.0.0.1:{port}", log, warehouse)
    try:
        yield server
    finally:
        if process.poll() is None:  # the test failed before its clean stop
            os.kill(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if process.poll() is None:
            process.wait(timeout=10)


def wait_for_code_location(server: DevServer, graphql: GraphQL) -> str:
    """Poll until the webserver answers and its one code location is loaded; its name."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        assert server.process.poll() is None, (
            f"dagster dev exited with {server.process.returncode} while starting"
        )
        try:
            info = graphql.session.get(f"{server.url}/server_info", timeout=5)
            if info.ok:
                workspace = graphql(WORKSPACE_QUERY, timeout=30)["workspaceOrError"]
                assert workspace["__typename"] == "Workspace", workspace
                entries = workspace["locationEntries"]
                last = str(entries)
                if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                    (entry,) = entries
                    location = entry["locationOrLoadError"]
                    assert location["__typename"] == "RepositoryLocation", (
                        f"the code location failed to load: {location}"
                    )
                    assert location["repositories"], location
                    return entry["name"]
        except requests.RequestException as error:
            last = repr(error)
        time.sleep(1)
    raise AssertionError(f"no loaded code location after {STARTUP_TIMEOUT} s: {last}")


def run_errors(graphql: GraphQL, run_id: str) -> str:
    """The run's error-level events, for a readable failure."""
    lines, cursor = [], None
    while True:
        logs = graphql(RUN_LOGS_QUERY, {"runId": run_id, "cursor": cursor})["logsForRun"]
        if logs["__typename"] != "EventConnection":
            return f"logsForRun: {logs}"
        for event in logs["events"]:
            error = event.get("error")
            if event.get("level") in ("ERROR", "CRITICAL") or error:
                lines.append(f"[{event.get('stepKey')}] {event['__typename']}: {event['message']}")
                if error:
                    lines.append(f"    {error['message']}")
        cursor = logs["cursor"]
        if not logs["hasMore"]:
            return "\n".join(lines) or "no error event"


def wait_for_run(graphql: GraphQL, run_id: str) -> dict:
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        run = graphql(RUN_QUERY, {"runId": run_id})["runOrError"]
        assert run["__typename"] == "Run", run
        if run["status"] in TERMINAL_STATUSES:
            return run
        time.sleep(2)
    raise AssertionError(f"run {run_id} still {run['status']} after {RUN_TIMEOUT} s")


def check_key(path: list[str], name: str) -> str:
    return f"{'/'.join(path)}:{name}"


def launch_materialize_all(graphql: GraphQL, location: str) -> str:
    """Press "Materialize all": the run launched in ``location``; its id."""
    params = materialize_all_params(graphql)
    assert params["selector"]["repositoryLocationName"] == location
    launched = graphql(LAUNCH_MUTATION, {"executionParams": params})
    result = launched["launchPipelineExecution"]
    assert result["__typename"] == "LaunchRunSuccess", result
    assert result["run"]["pipelineName"] == ASSET_JOB
    return result["run"]["runId"]


def assert_every_check_passed(graphql: GraphQL, run: dict) -> int:
    """Every asset check of every asset reported on ``run``, and passed; how many there are."""
    run_id = run["runId"]
    defined = {
        check_key(node["assetKey"]["path"], check["name"]): check
        for node in graphql(ASSET_CHECKS_QUERY)["assetNodes"]
        if node["assetChecksOrError"]["__typename"] == "AssetChecks"
        for check in node["assetChecksOrError"]["checks"]
    }
    assert defined, "no asset check is defined"
    names = {key.split(":", 1)[1] for key in defined}
    assert "all_keys_loaded" in names, sorted(names)
    assert any(name.startswith("expectations_raw_") for name in names), sorted(names)
    assert any(name.startswith("expectations_marts_") for name in names), sorted(names)
    selected = {check_key(c["assetKey"]["path"], c["name"]) for c in run["assetCheckSelection"]}
    assert selected == set(defined), (
        f"checks not launched: {sorted(set(defined) - selected)}; "
        f"unknown: {sorted(selected - set(defined))}"
    )
    executions = {key: check["executionForLatestMaterialization"] for key, check in defined.items()}
    missing = sorted(k for k, e in executions.items() if not e or e["runId"] != run_id)
    failed = sorted(
        f"{k} {e['status']} {(e['evaluation'] or {}).get('description')}"
        for k, e in executions.items()
        if e
        and e["runId"] == run_id
        and (e["status"] != "SUCCEEDED" or not (e["evaluation"] or {}).get("success"))
    )
    assert not missing, f"{len(missing)} checks have no execution in run {run_id}: {missing}"
    assert not failed, f"{len(failed)} of {len(defined)} checks did not pass: {failed}"
    return len(defined)


def stop_with_ctrl_c(server: DevServer) -> None:
    """Ctrl-C: `dagster dev` shuts its webserver, daemon and code server down, then exits 0."""
    pgid = os.getpgid(server.process.pid)
    assert pgid == server.process.pid
    assert "dagster" in " ".join(group_members(pgid))
    os.kill(server.process.pid, signal.SIGINT)
    try:
        code = server.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"dagster dev still running {STOP_TIMEOUT} s after SIGINT") from None
    assert code == 0, f"dagster dev exited with {code} on SIGINT"
    deadline = time.monotonic() + 10
    while (leftovers := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not leftovers, f"processes left after dagster dev stopped: {leftovers}"
    log = server.log_text()
    assert "Dagster services shut down." in log
    assert "did not terminate cleanly" not in log


def test_materialize_all_from_the_ui(dev_server: DevServer):
    graphql = GraphQL(dev_server.url)
    timings = {}
    started = time.monotonic()
    try:
        location = wait_for_code_location(dev_server, graphql)
        timings["startup"] = time.monotonic() - started

        run_id = launch_materialize_all(graphql, location)
        run_started = time.monotonic()
        run = wait_for_run(graphql, run_id)
        timings["run"] = time.monotonic() - run_started
        assert run["status"] == "SUCCESS", (
            f"run {run_id} ended {run['status']}:\n{run_errors(graphql, run_id)}"
        )
        assert {"key": "dagster/from_ui", "value": "true"} in run["tags"]
        timings["checks"] = assert_every_check_passed(graphql, run)

        stop_started = time.monotonic()
        stop_with_ctrl_c(dev_server)
        timings["stop"] = time.monotonic() - stop_started
    except BaseException:
        print(f"\n----- dagster dev log ({dev_server.log}) -----\n{dev_server.log_text()}")
        raise
    print(
        f"\nstartup {timings['startup']:.1f} s, run {timings['run']:.1f} s "
        f"({timings['checks']} checks), stop {timings['stop']:.1f} s"
    )

    # The warehouse the run built, read independently once the server is gone.
    with duckdb.connect(str(dev_server.warehouse), read_only=True) as con:
        [(rows,)] = con.execute("select count(*) from marts.fct_rotation_daily").fetchall()
    assert rows > 0, "marts.fct_rotation_daily is empty after the run"
