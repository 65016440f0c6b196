"""The serving layer: each publish is a whole new version of the marts, and a reader keeps the
version it opened. Readers in other processes, during a whole run too: test_serving_readers.py.
"""

from datetime import UTC, datetime, timedelta

import duckdb
import pytest
from dagster import AssetKey, materialize
from small_marts import FCT_A, FCT_B, mart_counts, read, read_serving, versions

from dagster_project import serving
from dagster_project.definitions import defs
from dagster_project.resources import WarehouseResource, from_env


def test_publish_serves_the_marts_as_views_with_their_metadata(small_warehouse, tmp_path):
    published = serving.publish(small_warehouse, "run-0001-aaaa")

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


def test_a_new_publish_replaces_the_old_one_and_keeps_three_versions(small_warehouse, tmp_path):
    """The count alone (no time window): the last 3 versions."""
    warehouse = small_warehouse
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


def test_versions_younger_than_the_window_are_kept_beyond_the_count(small_warehouse, tmp_path):
    """The last 3 versions and any younger than 24 hours (by the publish time in the version's
    name): a connection held open across more than two publishes keeps reading its version."""
    warehouse = small_warehouse
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


def test_the_serving_asset_keeps_versions_as_configured(small_warehouse, tmp_path):
    """ROTATION_SERVING_KEEP and ROTATION_SERVING_KEEP_HOURS reach the serving asset."""
    warehouse = small_warehouse
    resource = from_env(
        WarehouseResource,
        {
            "ROTATION_WAREHOUSE": str(warehouse),
            "ROTATION_SERVING_KEEP": "2",
            "ROTATION_SERVING_KEEP_HOURS": "0",
        },
    )
    assert (resource.serving_keep, resource.serving_keep_hours) == (2, 0)
    defaults = from_env(WarehouseResource, {})
    assert (defaults.serving_keep, defaults.serving_keep_hours) == (3, 24)
    resources = {"warehouse": resource}
    for _ in range(3):
        result = materialize([serving.serving_published], resources=resources)
        assert result.success
    assert len(versions(tmp_path)) == 2


@pytest.mark.parametrize(
    "keep, keep_for, message",
    [(1, timedelta(hours=24), "keep at least 2"), (3, timedelta(hours=-1), "negative")],
)
def test_publish_refuses_a_retention_that_would_delete_a_readers_version(
    small_warehouse, tmp_path, keep, keep_for, message
):
    warehouse = small_warehouse
    with pytest.raises(ValueError, match=message):
        serving.publish(warehouse, "run-1", keep=keep, keep_for=keep_for)
    assert not (tmp_path / "serving.duckdb").exists()


def test_a_reader_in_the_publishing_process_does_not_make_a_publish_delete_a_version(
    small_warehouse, tmp_path
):
    """In one process, duckdb.connect on a path already open returns that same database: a
    reader left open on an older version must not pass for the published one when the next
    publish looks for a killed publish's leftovers (the versions newer than the published one)."""
    warehouse = small_warehouse
    first = serving.publish(warehouse, "run-1")
    reader = duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True)
    try:
        second = serving.publish(warehouse, "run-2")
        third = serving.publish(warehouse, "run-3")
        assert read(reader)["published"][0][0] == "run-1"
    finally:
        reader.close()
    assert versions(tmp_path) == [first.version, second.version, third.version]


def test_the_next_publish_deletes_what_a_killed_one_left(small_warehouse, tmp_path):
    warehouse = small_warehouse
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


def test_a_failed_publish_leaves_the_previous_version_untouched(
    small_warehouse, tmp_path, monkeypatch
):
    warehouse = small_warehouse
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


def test_the_serving_asset_follows_every_mart():
    graph = defs.resolve_asset_graph()
    marts = {key for key in graph.get_all_asset_keys() if key.path[0] == "marts"}
    assert len(marts) >= 10
    assert graph.get(AssetKey(["serving", "published"])).parent_keys == marts


def test_the_build_publishes_every_mart(sample_warehouse):
    with duckdb.connect(str(sample_warehouse.parent / "serving.duckdb"), read_only=True) as con:
        tables = dict(con.execute("select * from meta.tables").fetchall())
        views = {t: con.execute(f"select count(*) from marts.{t}").fetchall()[0][0] for t in tables}
    assert tables == views == mart_counts(sample_warehouse)
    assert len(tables) >= 10


def test_a_table_left_by_a_removed_mart_is_not_served_and_is_named(small_warehouse, tmp_path):
    # dbt never drops the table of a mart removed from the project: a run publishes the
    # registry's marts only (here fct_a), and names the table it left out
    only_a = serving.serving_asset(only=["fct_a"])
    result = materialize(
        [only_a], resources={"warehouse": WarehouseResource(path=str(small_warehouse))}
    )
    assert result.success
    (event,) = result.asset_materializations_for_node("serving__published")
    assert event.metadata["not_published"].value == "fct_b"
    with duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True) as con:
        assert con.execute("select * from meta.tables").fetchall() == [("fct_a", 2)]
        assert con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall() == [("fct_a",)]
