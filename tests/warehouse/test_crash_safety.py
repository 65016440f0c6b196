"""A load process killed in the middle of its write leaves the previous state intact."""

import signal
import subprocess
import sys
import textwrap

import duckdb
import pandas as pd

from dagster_project import warehouse

CHILD = textwrap.dedent(
    """
    import sys, time
    import duckdb, pandas as pd
    from dagster_project import warehouse
    from dagster_project.warehouse import quarantine

    def stall(*args):  # called inside the open transaction, after the upsert itself
        print("mid-write", flush=True)
        time.sleep(60)

    quarantine.quarantine_frame = stall
    days = pd.bdate_range("2000-01-03", periods=5000)
    frame = pd.DataFrame({"symbol": "IWM", "date": days, "close": 99.0})
    frame.loc[0, "close"] = -1.0  # one row to quarantine, so the stall is reached
    with duckdb.connect(sys.argv[1]) as con:
        warehouse.upsert(con, "prices", frame, source="killed")
    """
)


def checksum(path) -> list:
    with duckdb.connect(str(path), read_only=True) as con:
        return [
            con.execute(f"select count(*), sum(hash(t)) from {table} t").fetchall()
            for table in ("raw.prices", "raw.load_log", "raw.quarantine")
        ]


def test_killing_a_load_mid_write_keeps_the_previous_state(tmp_path):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        frame = pd.DataFrame(
            {"symbol": "IWM", "date": pd.bdate_range("2000-01-03", periods=100), "close": 10.0}
        )
        warehouse.upsert(con, "prices", frame, source="first")
    before = checksum(path)

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "mid-write"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    assert checksum(path) == before
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute(
            "select distinct source, max(close) from raw.prices group by 1"
        ).fetchall() == [("first", 10.0)]
