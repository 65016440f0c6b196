"""The serving layer: readers get whole published versions and are never locked out by a run."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from dagster import AssetKey, DagsterInstance, materialize
from dagster_duckdb import DuckDBResource

from dagster_project import serving
from dagster_project.definitions import defs
from dagster_project.reference import PROJECT_ROOT
from dagster_project.resources import settings_from_env

FCT_A = [(1, "one"), (2, "two")]
FCT_B = [("2024-01-02", 1.5), ("2024-01-03", 2.5), ("2024-01-04", None)]


def make_warehouse(folder: Path) -> Path:
    """A warehouse with two small marts and the sources of raw.prices."""
    path = folder / "rotation.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_a (id integer, label varchar)")
        con.executemany("insert into marts.fct_a values (?, ?)", FCT_A)
        con.execute("create table marts.fct_b (day varchar, value double)")
        con.executemany("insert into marts.fct_b values (?, ?)", FCT_B)
        con.execute("create schema raw")
        con.execute("create table raw.prices (symbol varchar, source varchar)")
        con.execute("insert into raw.prices values ('IWM', 'sample'), ('SPY', 'files')")
    return path


def read_serving(folder: Path) -> dict:
    with duckdb.connect(str(folder / "serving.duckdb"), read_only=True) as con:
        return read(con)


def read(con: duckdb.DuckDBPyConnection) -> dict:
    return {
        "fct_a": con.execute("select * from marts.fct_a order by id").fetchall(),
        "fct_b": con.execute("select * from marts.fct_b order by day").fetchall(),
        "published": con.execute("select run_id, version, sources from meta.published").fetchall(),
        "tables": con.execute("select * from meta.tables order by 1").fetchall(),
    }


def versions(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "serving").iterdir())


def test_publish_serves_the_marts_as_views_with_their_metadata(tmp_path):
    warehouse = make_warehouse(tmp_path)

    published = serving.publish(warehouse, "run-0001-aaaa")

    assert read_serving(tmp_path) == {
        "fct_a": FCT_A,
        "fct_b": FCT_B,
        "published": [("run-0001-aaaa", published.version, ["files", "sample"])],
        "tables": [("fct_a", 2), ("fct_b", 3)],
    }
    assert published.database == tmp_path / "serving.duckdb"
    with duckdb.connect(str(published.database), read_only=True) as con:  # DuckDB 1.x reads it
        assert con.execute("select tags from duckdb_databases() where not internal").fetchall() == [
            ({"storage_version": "v1.0.0+"},)
        ]
        # DuckDB 1.0 fails to open a file with a primary key written by 2.0 ('Failed to
        # deserialize: expected end of object, but found field id: 103')
        assert con.execute(
            "select count(*) from duckdb_constraints() where constraint_type <> 'NOT NULL'"
        ).fetchone() == (0,)
    assert versions(tmp_path) == [published.version]
    assert sorted(p.name for p in published.folder.iterdir()) == ["fct_a.parquet", "fct_b.parquet"]
    # the serving database is complete on disk: no write-ahead log, no temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "rotation.duckdb",
        "serving",
        "serving.duckdb",
    ]


def test_a_new_publish_replaces_the_old_one_and_keeps_three_versions(tmp_path):
    """The count alone (no time window): the last 3 versions."""
    warehouse = make_warehouse(tmp_path)
    first = serving.publish(warehouse, "run-1", keep_for=timedelta(0))
    reader = duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True)
    try:
        with duckdb.connect(str(warehouse)) as con:
            con.execute("insert into marts.fct_a values (3, 'three')")
        second = serving.publish(warehouse, "run-2", keep_for=timedelta(0))
        # a reader that opened the previous version keeps reading it, whole
        assert read(reader)["fct_a"] == FCT_A
        assert read(reader)["published"][0][0] == "run-1"
    finally:
        reader.close()
    now = read_serving(tmp_path)
    assert now["fct_a"] == [*FCT_A, (3, "three")]
    assert now["published"][0][:2] == ("run-2", second.version)
    assert now["tables"] == [("fct_a", 3), ("fct_b", 3)]

    later = [serving.publish(warehouse, f"run-{n}", keep_for=timedelta(0)).version for n in (3, 4)]
    assert first.version < second.version < later[0] < later[1]
    assert versions(tmp_path) == [second.version, *later]
    fifth = serving.publish(warehouse, "run-5", keep=2, keep_for=timedelta(0))
    assert fifth.retained == versions(tmp_path)
    assert len(versions(tmp_path)) == 2


T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_versions_younger_than_the_window_are_kept_beyond_the_count(tmp_path):
    """The last 3 versions and any younger than 24 hours (by the publish time in the version's
    name): a connection held open across more than two publishes keeps reading its version."""
    warehouse = make_warehouse(tmp_path)
    hours = [0, 1, 2, 3, 4]  # five publishes, an hour apart
    first = serving.publish(warehouse, "run-0", now=T0)
    reader = duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True)
    try:
        rest = [
            serving.publish(warehouse, f"run-{h}", now=T0 + timedelta(hours=h)) for h in hours[1:]
        ]
        assert read(reader)["published"][0][0] == "run-0"
        assert read(reader)["fct_a"] == FCT_A and read(reader)["fct_b"] == FCT_B
        assert versions(tmp_path) == [first.version, *(p.version for p in rest)]
        assert rest[-1].retained == versions(tmp_path)

        # 24.5 hours after the first: it is older than the window and not among the last 3
        day_after = serving.publish(warehouse, "run-5", now=T0 + timedelta(hours=24.5))
        assert versions(tmp_path) == [*(p.version for p in rest), day_after.version]
        with pytest.raises(duckdb.IOException):  # its Parquet files are gone
            read(reader)
    finally:
        reader.close()

    # days later every version is older than the window: the last 3 are kept
    later = serving.publish(warehouse, "run-6", now=T0 + timedelta(hours=60))
    assert versions(tmp_path) == [rest[-1].version, day_after.version, later.version]
    assert read_serving(tmp_path)["published"][0][:2] == ("run-6", later.version)


def test_the_serving_asset_keeps_versions_as_configured(tmp_path):
    """ROTATION_SERVING_KEEP and ROTATION_SERVING_KEEP_HOURS reach the serving asset."""
    warehouse = make_warehouse(tmp_path)
    settings = settings_from_env(
        {
            "ROTATION_WAREHOUSE": str(warehouse),
            "ROTATION_SERVING_KEEP": "2",
            "ROTATION_SERVING_KEEP_HOURS": "0",
        }
    )
    assert (settings.serving_keep, settings.serving_keep_hours) == (2, 0)
    defaults = settings_from_env({})
    assert (defaults.serving_keep, defaults.serving_keep_hours) == (3, 24)
    resources = {"settings": settings, "duckdb": DuckDBResource(database=str(warehouse))}
    for _ in range(3):
        result = materialize([serving.serving_published], resources=resources)
        assert result.success
    assert len(versions(tmp_path)) == 2


@pytest.mark.parametrize(
    "keep, keep_for, message",
    [(1, timedelta(hours=24), "keep at least 2"), (3, timedelta(hours=-1), "negative")],
)
def test_publish_refuses_a_retention_that_would_delete_a_readers_version(
    tmp_path, keep, keep_for, message
):
    warehouse = make_warehouse(tmp_path)
    with pytest.raises(ValueError, match=message):
        serving.publish(warehouse, "run-1", keep=keep, keep_for=keep_for)
    assert not (tmp_path / "serving.duckdb").exists()


def test_a_reader_in_the_publishing_process_does_not_make_a_publish_delete_a_version(tmp_path):
    """In one process, duckdb.connect on a path already open returns that same database: a
    reader left open on an older version must not pass for the published one when the next
    publish looks for a killed publish's leftovers (the versions newer than the published one)."""
    warehouse = make_warehouse(tmp_path)
    first = serving.publish(warehouse, "run-1")
    reader = duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True)
    try:
        second = serving.publish(warehouse, "run-2")
        third = serving.publish(warehouse, "run-3")
        assert read(reader)["published"][0][0] == "run-1"
    finally:
        reader.close()
    assert versions(tmp_path) == [first.version, second.version, third.version]


def test_the_next_publish_deletes_what_a_killed_one_left(tmp_path):
    warehouse = make_warehouse(tmp_path)
    first = serving.publish(warehouse, "run-1")
    # a publish killed after its export: its version folder (newer than the published one)
    # and its temporary views database with a write-ahead log
    killed = tmp_path / "serving" / "29991231T235959000000Z-killed"
    killed.mkdir()
    (killed / "fct_a.parquet").write_bytes(b"partial")
    temporary = tmp_path / ".serving-29991231T235959000000Z-killed.duckdb"
    for path in (temporary, temporary.with_name(temporary.name + ".wal")):
        path.write_bytes(b"partial")
    second = serving.publish(warehouse, "run-2")
    assert versions(tmp_path) == [first.version, second.version]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "rotation.duckdb",
        "serving",
        "serving.duckdb",
    ]
    assert read_serving(tmp_path)["published"][0][:2] == ("run-2", second.version)


def test_a_failed_publish_leaves_the_previous_version_untouched(tmp_path, monkeypatch):
    warehouse = make_warehouse(tmp_path)
    first = serving.publish(warehouse, "run-1")
    before = read_serving(tmp_path)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.fct_b")
    build_views = serving._build_views

    def build_then_fail(*args, **kwargs):  # every Parquet file and the new views are written
        build_views(*args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(serving, "_build_views", build_then_fail)
    reader = duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True)
    try:
        with pytest.raises(OSError, match="disk full"):
            serving.publish(warehouse, "run-2")
        assert read(reader) == before
    finally:
        reader.close()

    assert read_serving(tmp_path) == before
    assert before["published"][0][0] == "run-1"
    assert versions(tmp_path) == [first.version]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "rotation.duckdb",
        "serving",
        "serving.duckdb",
    ]


def test_publishing_a_warehouse_without_marts_fails_and_leaves_nothing(tmp_path):
    duckdb.connect(str(tmp_path / "rotation.duckdb")).close()
    with pytest.raises(ValueError, match="no table in schema marts"):
        serving.publish(tmp_path / "rotation.duckdb", "run-1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rotation.duckdb", "serving"]
    assert versions(tmp_path) == []


@pytest.mark.parametrize(
    "url, connect_args",
    [("duckdb:///{path}?access_mode=read_only", {}), ("duckdb:///{path}", {"read_only": True})],
)
def test_a_bi_tool_reads_the_serving_database_read_only(tmp_path, url, connect_args):
    serving.publish(make_warehouse(tmp_path), "run-1")
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


def test_readers_open_the_serving_database_while_a_writer_holds_the_warehouse(tmp_path):
    warehouse = make_warehouse(tmp_path)
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


def test_the_serving_asset_follows_every_mart():
    graph = defs.resolve_asset_graph()
    marts = {key for key in graph.get_all_asset_keys() if key.path[0] == "marts"}
    assert len(marts) >= 10
    assert graph.get(AssetKey(["serving", "published"])).parent_keys == marts


def mart_counts(warehouse: Path) -> dict[str, int]:
    """Rows of each table of the warehouse's marts schema, counted in the warehouse itself."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
        return {
            t: con.execute(f"select count(*) from marts.{t}").fetchall()[0][0] for (t,) in tables
        }


def test_the_build_publishes_every_mart(sample_warehouse):
    with duckdb.connect(str(sample_warehouse.parent / "serving.duckdb"), read_only=True) as con:
        tables = dict(con.execute("select * from meta.tables").fetchall())
        views = {t: con.execute(f"select count(*) from marts.{t}").fetchall()[0][0] for t in tables}
    assert tables == views == mart_counts(sample_warehouse)
    assert len(tables) >= 10


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


def test_readers_see_one_whole_version_at_a_time_during_a_full_materialization(
    sample_warehouse, tmp_path
):
    folder = tmp_path / "warehouse"
    folder.mkdir()
    warehouse = folder / "rotation.duckdb"
    assert not Path(f"{sample_warehouse}.wal").exists()
    shutil.copy(sample_warehouse, warehouse)
    serving.publish(warehouse, "before-the-run")
    rows_before = mart_counts(warehouse)

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    venv_bin = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROTATION_")}
    env |= {
        "ROTATION_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(home),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}",
    }

    log, stop = tmp_path / "reads.jsonl", tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(folder / "serving.duckdb"), str(log), str(stop)]
    )
    try:

        def reader_has_read():
            """the reader has read the serving database once"""
            return log.exists() and len(records(log)) > 0

        wait_for(reader_has_read, 60)
        started = time.time()
        writer = subprocess.run(
            [str(venv_bin / "dagster"), "asset", "materialize"]
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
    finally:
        stop.touch()
        reader.wait(timeout=60)
    assert reader.returncode == 0

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
