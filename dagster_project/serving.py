"""The serving layer: readers query a published copy of the marts, never the writer's file.

DuckDB lets one process write a database file, and while it writes no other process can open
that file, not even read-only. Analysts (DuckDB CLI, Python, BI tools through SQLAlchemy) would
be locked out for every run, and a reader between two dbt models would see half a rebuild. So
readers get their own database, ``<warehouse dir>/serving.duckdb``, which no process ever writes
in place. After each successful build ``publish``:

1. exports the marts (in a run, those of the dbt project, dagster_project.marts: a table left in
   the schema by a mart since removed is not served, and the run says so) to Parquet in a new
   version folder,
   ``<warehouse dir>/serving/<version>/<table>.parquet`` (version: UTC time + short run id, so
   folder names sort by age);
2. builds a new views database in a temporary file beside it: ``marts.<table>`` is a view
   ``select * from read_parquet('<absolute path>')`` (the warehouse's names, so every query runs
   on both), with ``meta.published`` (run id, version, time, sources of ``raw.prices``) and
   ``meta.tables`` (rows per table), checkpointed and closed so no ``.wal`` is left;
3. swaps it in with ``os.replace``, which is atomic: a reader opens either the previous file or
   the new one, both complete. A reader that opened the previous file keeps its inode and its
   Parquet folder. Version folders are kept while they are among the last ``KEEP`` or younger
   than ``KEEP_FOR`` (by the publish time in their name), so a connection held open keeps
   reading its version for a day, however many publishes follow; older ones are deleted (both
   set by ROTATION_SERVING_KEEP and ROTATION_SERVING_KEEP_HOURS).

A failure before the swap deletes the temporary file and the new version folder, and leaves the
previous ``serving.duckdb`` untouched; what a killed publish leaves (its temporary file, a
version folder newer than the published one) is deleted by the next publish. Publishes do not
race: the asset exports through the writer's own connection, which holds the warehouse's lock
for the whole publish.

This module writes DDL, against the one-writer rule (only dagster_project.warehouse writes DDL),
because it writes only its own file (the views database): the warehouse itself is only read.
"""

import re
import shutil
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project import marts
from dagster_project.resources import WarehouseResource
from dagster_project.warehouse.schema import sql_literal

KEEP = 3  # version folders kept at least: the published one and the two before it
KEEP_FOR = timedelta(hours=24)  # and every version published within this time
STORAGE = "v1.0.0"  # the views database's file format: DuckDB 1.0 and later read it
VERSION = re.compile(r"^\d{8}T\d{12}Z-[0-9A-Za-z]*$")


@dataclass(frozen=True)
class Published:
    """What ``publish`` made: the serving database, its version folder and rows per table."""

    version: str
    database: Path
    folder: Path
    rows: dict[str, int]
    sources: list[str]
    retained: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # tables of marts not asked for


def serving_paths(warehouse_path: str | Path) -> tuple[Path, Path]:
    """The serving database and the folder of its versions, beside the warehouse file."""
    folder = Path(warehouse_path).resolve().parent
    return folder / "serving.duckdb", folder / "serving"


def _mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the warehouse's ``marts`` schema."""
    return [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables"
            " where table_catalog = current_database() and table_schema = 'marts'"
            " order by table_name"
        ).fetchall()
    ]


def _export(
    con: duckdb.DuckDBPyConnection, folder: Path, tables: list[str]
) -> tuple[list[str], list[str]]:
    """Write each table of ``marts`` to ``folder/<table>.parquet``; return tables and sources."""
    if not tables:
        raise ValueError(
            f"the warehouse {con.execute('select current_database()').fetchall()[0][0]!r} has no"
            " table in schema marts: build the marts (dbt) before publishing"
        )
    for table in tables:
        target = sql_literal(str(folder / f"{table}.parquet"))
        con.execute(f'copy (select * from marts."{table}") to {target} (format parquet)')
    has_prices = con.execute(
        "select count(*) from information_schema.tables"
        " where table_catalog = current_database() and table_schema = 'raw'"
        " and table_name = 'prices'"
    ).fetchall()[0][0]
    sources = (
        [s for (s,) in con.execute("select distinct source from raw.prices order by 1").fetchall()]
        if has_prices
        else []
    )
    return tables, sources


def _build_views(
    target: Path,
    folder: Path,
    tables: list[str],
    run_id: str,
    version: str,
    sources: list[str],
    published_at: datetime,
) -> dict[str, int]:
    """Create the views database ``target`` over ``folder``; return rows per table."""
    # DuckDB 1.0's file format, not 2.0's: clients that bundle an older DuckDB (a BI tool's
    # driver, the 1.x CLI) read it too; the Parquet files they read in any version
    with duckdb.connect(str(target), config={"storage_compatibility_version": STORAGE}) as con:
        con.execute("create schema marts")
        for table in tables:
            parquet = sql_literal(str(folder / f"{table}.parquet"))
            con.execute(f'create view marts."{table}" as select * from read_parquet({parquet})')
        con.execute("create schema meta")
        con.execute(
            "create table meta.published (run_id varchar not null, version varchar not null,"
            " published_at timestamp not null, sources varchar[] not null,"
            " folder varchar not null)"
        )
        con.execute(
            "insert into meta.published values (?, ?, ?, ?, ?)",
            [run_id, version, published_at.replace(tzinfo=None), sources, str(folder)],
        )
        # no primary key: DuckDB 1.0 cannot read one written in its format by 2.0
        con.execute("create table meta.tables (table_name varchar not null, row_count bigint)")
        for table in tables:
            con.execute(f'insert into meta.tables select ?, count(*) from marts."{table}"', [table])
        rows = dict(con.execute("select * from meta.tables order by 1").fetchall())
        con.execute("checkpoint")
    return rows


def _published_at(version: str) -> datetime:
    """When a version was published: the UTC time its name begins with."""
    return datetime.strptime(version[:21], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)


def _prune(versions: Path, keep: int, keep_for: timedelta, now: datetime) -> list[str]:
    """Delete the version folders that are neither among the ``keep`` newest nor published
    within ``keep_for`` before ``now``; return the ones kept."""
    names = sorted(p.name for p in versions.iterdir() if p.is_dir() and VERSION.match(p.name))
    kept = [
        name
        for n, name in enumerate(names)
        if n >= len(names) - keep or now - _published_at(name) < keep_for
    ]
    for name in names:
        if name not in kept:
            shutil.rmtree(versions / name, ignore_errors=True)
    return kept


def _remove_leftovers(database: Path, versions: Path) -> None:
    """Delete what a killed publish left: its temporary database and its version folder, newer
    than the published version (or any, if none was published). Publishes do not race."""
    for leftover in database.parent.glob(".serving-*.duckdb*"):
        leftover.unlink(missing_ok=True)
    published = ""
    if database.exists():
        # attached to a new in-memory database, not duckdb.connect(database): that returns the
        # database a connection of this process may hold open, an older version of the file
        with duckdb.connect() as con:
            con.execute(f"attach {sql_literal(str(database))} as published (read_only)")
            (published,) = con.execute(
                "select coalesce(max(version), '') from published.meta.published"
            ).fetchall()[0]
    for folder in versions.glob("*"):
        if VERSION.match(folder.name) and folder.name > published:
            shutil.rmtree(folder, ignore_errors=True)


def publish(
    warehouse_path: str | Path,
    run_id: str,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    keep: int = KEEP,
    keep_for: timedelta = KEEP_FOR,
    now: datetime | None = None,
    only: Collection[str] | None = None,
) -> Published:
    """Publish the warehouse's marts as a new version of ``serving.duckdb`` (module docstring).

    ``con`` is a connection to the warehouse (the writer's, inside a run); without it the file
    is opened read-only, which fails while another process writes it. ``now`` (UTC) is the
    publish time, for tests of the retention; by default the clock's. ``only``: the marts to
    publish (the registry's, in a run), so a table left in the schema by a mart removed from
    the dbt project is not served (``Published.left_out`` names it); by default every table.
    """
    if keep < 2:
        raise ValueError(
            f"keep={keep} (ROTATION_SERVING_KEEP): keep at least 2 versions, for readers of the"
            " previous one"
        )
    if keep_for < timedelta(0):
        raise ValueError(f"keep_for={keep_for} (ROTATION_SERVING_KEEP_HOURS) is negative")
    database, versions = serving_paths(warehouse_path)
    now = datetime.now(UTC) if now is None else now.astimezone(UTC)
    version = f"{now:%Y%m%dT%H%M%S%f}Z-{re.sub(r'[^0-9A-Za-z]', '', run_id)[:8]}"
    folder = versions / version
    temporary = database.with_name(f".serving-{version}.duckdb")
    _remove_leftovers(database, versions)
    folder.mkdir(parents=True)
    try:
        if con is None:
            with duckdb.connect(str(Path(warehouse_path).resolve()), read_only=True) as own:
                tables, left_out, sources = _chosen_export(own, folder, only)
        else:
            tables, left_out, sources = _chosen_export(con, folder, only)
        rows = _build_views(temporary, folder, tables, run_id, version, sources, now)
        wal = temporary.with_name(temporary.name + ".wal")
        if wal.exists():
            raise RuntimeError(f"{wal} is left after closing the views database")
        temporary.replace(database)  # os.replace: atomic, readers see the old or the new file
    except BaseException:
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    retained = _prune(versions, keep, keep_for, now)
    return Published(version, database, folder, rows, sources, retained, left_out)


def _chosen_export(
    con: duckdb.DuckDBPyConnection, folder: Path, only: Collection[str] | None
) -> tuple[list[str], list[str], list[str]]:
    """Export the tables of ``marts`` that ``only`` names (all without it): the tables
    exported, those left out, and the sources of the prices."""
    present = _mart_tables(con)
    chosen = [t for t in present if only is None or t in only]
    tables, sources = _export(con, folder, chosen)
    return tables, [t for t in present if t not in chosen], sources


def publish_run(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    only: Collection[str] | None = None,
) -> MaterializeResult:
    """Publish the warehouse's marts (those of ``only``) for this run, through the writer's
    connection."""
    with warehouse.get_connection() as con:
        published = publish(
            warehouse.database,
            context.run.run_id,
            con=con,
            keep=warehouse.serving_keep,
            keep_for=timedelta(hours=warehouse.serving_keep_hours),
            only=only,
        )
    context.log.info(f"published {published.version} to {published.database}")
    if published.left_out:
        context.log.warning(
            f"not published: marts.{', marts.'.join(published.left_out)}, in the warehouse but"
            " no mart of the dbt project (a mart removed or renamed): drop the table"
            " (docs/architecture.md, 'How to remove or rename a mart')"
        )
    rows = "\n".join(f"| marts.{t} | {n} |" for t, n in published.rows.items())
    return MaterializeResult(
        metadata={
            "version": published.version,
            "path": MetadataValue.path(str(published.database)),
            "folder": MetadataValue.path(str(published.folder)),
            "tables": len(published.rows),
            "rows": MetadataValue.md(f"| table | rows |\n|---|---|\n{rows}"),
            "retained": MetadataValue.json(published.retained),
            "not_published": MetadataValue.text(", ".join(published.left_out) or "none"),
        }
    )


def serving_asset(
    deps: Sequence[AssetKey] = (), only: Collection[str] | None = None
) -> AssetsDefinition:
    """The asset ``serving/published``, downstream of ``deps``, publishing the marts ``only``
    names (every table of the schema without it)."""

    @asset(
        key=["serving", "published"],
        group_name="serving",
        deps=deps,
        description=(
            "The marts published for readers: Parquet files and serving.duckdb, a database of"
            " views that readers open read-only while runs write the warehouse."
        ),
    )
    def serving_published(
        context: AssetExecutionContext, warehouse: WarehouseResource
    ) -> MaterializeResult:
        return publish_run(context, warehouse, only)

    return serving_published


def serving_after_marts() -> AssetsDefinition:
    """The serving asset downstream of every mart of the registry (dagster_project.marts), so a
    build publishes once its marts are built. The marts are asked for when the definitions are
    assembled, not at import."""
    return serving_asset(marts.asset_keys(), [m.name for m in marts.marts()])


# On its own, without the marts upstream: to publish a warehouse built already (tests).
serving_published = serving_asset()
