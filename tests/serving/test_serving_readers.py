"""Readers of the serving database in other processes: a BI tool, a reader while a writer holds
the warehouse, and readers polling through a whole `dagster asset materialize`."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from dagster import DagsterInstance
from small_marts import FCT_A, mart_counts, read_serving, versions

from dagster_project import serving
from dagster_project.reference import PROJECT_ROOT


@pytest.mark.parametrize(
    "url, connect_args",
    [("duckdb:///{path}?access_mode=read_only", {}), ("duckdb:///{path}", {"read_only": True})],
)
def test_a_bi_tool_reads_the_serving_database_read_only(
    small_warehouse, tmp_path, url, connect_args
):
    serving.publish(small_warehouse, "run-1")
    engine = sa.create_engine(
        url.format(path=tmp_path / "serving.duckdb"), connect_args=connect_args
    )
    try:
        with engine.connect() as con:
            rows = con.execute(sa.text("select id, label from marts.fct_a order by id")).fetchall()
            assert [tuple(r) for r in rows] == FCT_A
            assert con.execute(sa.text("select run_id from meta.published")).scalar() == "run-1"
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                con.execute(sa.text("create table marts.mine as select 1 as x"))
    finally:
        engine.dispose()


HOLD_WRITE_LOCK = textwrap.dedent(
    """
    import sys, time
    import duckdb
    con = duckdb.connect(sys.argv[1])  # the writer: holds the warehouse's lock
    con.execute("create table marts.fct_c as select 1 as x")
    print("writing", flush=True)
    time.sleep(60)
    """
)


def test_readers_open_the_serving_database_while_a_writer_holds_the_warehouse(
    small_warehouse, tmp_path
):
    warehouse = small_warehouse
    serving.publish(warehouse, "run-1")
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(warehouse), read_only=True)
        assert read_serving(tmp_path)["fct_a"] == FCT_A
    finally:
        writer.kill()
        writer.wait(timeout=30)


# Loops until the stop file exists: opens the serving database (DuckDB, or SQLAlchemy as a BI
# tool does), reads its run id and row counts and counts every view, in the same connection.
READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    database, out, stop = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    engine = sa.create_engine(f"duckdb:///{database}?access_mode=read_only", poolclass=NullPool)

    def read(fetch):
        ((run_id,),) = fetch("select run_id from meta.published")
        expected = dict(fetch("select table_name, row_count from meta.tables"))
        views = fetch("select table_name from information_schema.tables"
                      " where table_schema = 'marts'")
        counted = {t: fetch(f"select count(*) from marts.{t}")[0][0] for (t,) in views}
        return run_id, counted, counted == expected

    def with_duckdb():
        with duckdb.connect(database, read_only=True) as con:
            return read(lambda sql: con.execute(sql).fetchall())

    def with_sqlalchemy():
        with engine.connect() as con:
            return read(lambda sql: [tuple(r) for r in con.execute(sa.text(sql)).fetchall()])

    with out.open("w") as log:
        n = 0
        while not stop.exists():
            via, reader = [("duckdb", with_duckdb), ("sqlalchemy", with_sqlalchemy)][n % 2]
            record = {"at": time.time(), "via": via}
            try:
                record["run_id"], record["rows"], record["consistent"] = reader()
            except Exception as error:
                record["error"] = f"{type(error).__name__}: {error}"
            log.write(json.dumps(record) + "\\n")
            log.flush()
            n += 1
            time.sleep(0.05)
    """
)


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not true after {seconds} s: {condition.__doc__}"
        time.sleep(0.1)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


@pytest.fixture
def published_copy(sample_warehouse, tmp_path) -> Path:
    """A copy of the sample warehouse in a folder of its own, published once by the run
    'before-the-run'."""
    folder = tmp_path / "warehouse"
    folder.mkdir()
    warehouse = folder / "rotation.duckdb"
    assert not Path(f"{sample_warehouse}.wal").exists()
    shutil.copy(sample_warehouse, warehouse)
    serving.publish(warehouse, "before-the-run")
    return warehouse


def cli_environment(warehouse: Path, home: Path) -> dict[str, str]:
    """The environment of `dagster asset materialize` on ``warehouse``: no other ROTATION_*
    choice, a new instance in ``home`` without telemetry, and dbt on PATH."""
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROTATION_")}
    return env | {
        "ROTATION_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(home),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }


@contextmanager
def reading(database: Path, log: Path) -> Iterator[None]:
    """READER in a process of its own, logging its reads of ``database`` to ``log`` from its
    first read until the block ends."""
    stop = log.parent / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(database), str(log), str(stop)])
    try:

        def reader_has_read():
            """the reader has read the serving database once"""
            return log.exists() and len(records(log)) > 0

        wait_for(reader_has_read, 60)
        yield
    finally:
        stop.touch()
        reader.wait(timeout=60)
    assert reader.returncode == 0


def materialize_everything(env: dict[str, str], log: Path) -> tuple[float, float]:
    """`dagster asset materialize --select '*'` in a process of its own, then the reader's
    first read of the version it published; when the run started and when it finished."""
    started = time.time()
    writer = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "asset", "materialize"]
        + ["-m", "dagster_project.definitions", "--select", "*"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    finished = time.time()
    assert writer.returncode == 0, writer.stderr[-3000:]

    def reader_saw_the_run():
        """the reader has read the version the run published"""
        return records(log)[-1].get("run_id") not in (None, "before-the-run")

    wait_for(reader_saw_the_run, 30)
    return started, finished


def test_readers_see_one_whole_version_at_a_time_during_a_full_materialization(
    published_copy, tmp_path
):
    warehouse, folder = published_copy, published_copy.parent
    rows_before = mart_counts(warehouse)
    home, log = tmp_path / "dagster_home", tmp_path / "reads.jsonl"
    env = cli_environment(warehouse, home)
    with reading(folder / "serving.duckdb", log):
        started, finished = materialize_everything(env, log)

    with DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
    with duckdb.connect(str(folder / "serving.duckdb"), read_only=True) as con:
        assert con.execute("select run_id from meta.published").fetchall() == [(run.run_id,)]
    expected = {"before-the-run": rows_before, run.run_id: mart_counts(warehouse)}

    reads = records(log)
    during = [r for r in reads if started <= r["at"] <= finished]
    print(
        f"{len(reads)} reads, {len(during)} during the {finished - started:.0f} s run"
        f" ({sum(r['via'] == 'sqlalchemy' for r in reads)} through SQLAlchemy);"
        f" reads per run id: {Counter(r.get('run_id') for r in reads)}"
    )
    assert [r["error"] for r in reads if "error" in r] == []
    assert len(during) >= 100
    assert all(r["consistent"] for r in reads)
    assert all(r["rows"] == expected[r["run_id"]] for r in reads)
    seen = [r["run_id"] for r in reads]
    assert [k for n, k in enumerate(seen) if n == 0 or seen[n - 1] != k] == [
        "before-the-run",
        run.run_id,
    ]
    assert {r["via"] for r in during} == {"duckdb", "sqlalchemy"}
    assert not list(folder.glob(".serving-*"))
    assert len(versions(folder)) == 2
