"""Run monitoring: a run whose process was killed does not stay STARTED forever.

The instance of `make run` and `make ui` (dagster_home/dagster.yaml) turns on Dagster's run
monitoring, which the daemon (`make ui`, or `dagster-daemon run`) performs every
``poll_interval_seconds``. With Dagster's default run launcher the daemon cannot ask whether a
run's process is alive (``supports_check_run_worker_health`` is false): it fails a run that
never started within ``start_timeout_seconds`` and a STARTED run older than
``max_runtime_seconds``, whatever killed its process (``make run`` interrupted by SIGKILL, the
machine going down, ``make ui`` killed with its code server).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time

from dagster import DagsterInstance, DagsterRunStatus
from dagster._daemon.monitoring import run_monitoring


def test_the_projects_instance_turns_run_monitoring_on(dagster_home):
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_start_timeout_seconds == 180
        assert instance.run_monitoring_cancel_timeout_seconds == 180
        assert instance.run_monitoring_poll_interval_seconds == 60
        # far longer than a build takes: a run STARTED for longer is failed, alive or not
        assert instance.run_monitoring_max_runtime_seconds == 6 * 3600
        # the default run launcher cannot resume a run: failed, not retried
        assert instance.run_monitoring_max_resume_run_attempts == 0
        assert not instance.run_launcher.supports_resume_run
        assert not instance.get_settings("telemetry")["enabled"]


# A run as `make run` makes one, in its own process: one asset that waits to be killed.
KILLED_RUN = textwrap.dedent(
    """
    import time
    from dagster import DagsterInstance, asset, materialize

    @asset
    def waits(context):
        print(context.run.run_id, flush=True)
        time.sleep(120)

    materialize([waits], instance=DagsterInstance.get())
    """
)


class DaemonContext:
    """What the monitoring daemon passes to its iteration: the instance, and a workspace that
    the default run launcher's checks never read."""

    def __init__(self, instance: DagsterInstance):
        self.instance = instance

    def create_request_context(self):
        return None


def monitor(instance: DagsterInstance) -> None:
    """One iteration of the daemon's run monitoring; an error in it fails the test."""
    logger = logging.getLogger("run_monitoring_test")
    errors = list(run_monitoring.execute_run_monitoring_iteration(DaemonContext(instance), logger))
    assert [e for e in errors if e is not None] == []


def test_the_daemon_fails_a_started_run_whose_process_was_killed(dagster_home, monkeypatch):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROTATION_")}
    env["DAGSTER_HOME"] = str(dagster_home)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        run_id = process.stdout.readline().strip()
        assert run_id, "the run did not start"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    with DagsterInstance.from_config(str(dagster_home)) as instance:
        # nothing is left to report the run's end: this is what stayed STARTED forever
        assert instance.get_run_by_id(run_id).status == DagsterRunStatus.STARTED

        monitor(instance)  # within max_runtime_seconds: a long run is left alone
        assert instance.get_run_by_id(run_id).status == DagsterRunStatus.STARTED

        later = time.time() + instance.run_monitoring_max_runtime_seconds + 1
        monkeypatch.setattr(run_monitoring, "get_current_timestamp", lambda: later)
        monitor(instance)
        assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
