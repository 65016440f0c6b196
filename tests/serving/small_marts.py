"""A warehouse of two small marts, and how a reader of its serving database sees it."""

from pathlib import Path

import duckdb

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


def mart_counts(warehouse: Path) -> dict[str, int]:
    """Rows of each table of the warehouse's marts schema, counted in the warehouse itself."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
        return {
            t: con.execute(f"select count(*) from marts.{t}").fetchall()[0][0] for (t,) in tables
        }
