"""The two hand-overs between the DuckDB warehouse and Spark, without Spark: the raw tables
published as Parquet, and the tables Spark built (Parquet files in Spark's layout) landed back."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project import spark, warehouse


@pytest.fixture
def con():
    with duckdb.connect() as con:
        warehouse.ensure_schema(con)
        con.execute(
            "insert into raw.prices (symbol, date, close, source, loaded_at)"
            " values ('IWM', date '2026-06-29', 210.5, 'sample', now()),"
            " ('SPY', date '2026-06-29', 600.25, 'sample', now())"
        )
        yield con


def test_every_raw_table_is_published_whole_and_nothing_half_written(con, tmp_path):
    rows = spark.publish_raw(con, str(tmp_path))
    tables = con.sql(
        "select table_name from information_schema.tables where table_schema = 'raw'"
    ).fetchall()
    assert set(rows) == {name for (name,) in tables}
    assert rows["prices"] == 2
    folder = tmp_path / "raw" / "prices"
    assert [p.name for p in folder.iterdir()] == ["data.parquet"]  # no hidden partial left
    assert parquet(folder / "data.parquet", "close") == [210.5, 600.25]

    con.execute("delete from raw.prices where symbol = 'IWM'")
    assert spark.publish_raw(con, str(tmp_path))["prices"] == 1  # replaced, not appended
    assert parquet(folder / "data.parquet", "symbol") == ["SPY"]


def parquet(path, column: str) -> list:
    rows = duckdb.sql(f"select {column} from read_parquet('{path}')").fetchall()
    return sorted(v for (v,) in rows)


def spark_files(root, name: str, values: list[float]) -> None:
    """A mart's files as Spark writes a table: a part file per half, and a _SUCCESS marker."""
    folder = root / "tables" / "marts.db" / name
    assert str(folder) == spark.table_folder(str(root), "marts", name)
    folder.mkdir(parents=True)
    half = len(values) // 2
    for part, chunk in enumerate((values[:half], values[half:])):
        rows = ", ".join(f"({v})" for v in chunk) or "(null)"
        where = "" if chunk else " where false"
        duckdb.sql(
            f"copy (select v::double as value from (values {rows}) as t(v){where})"
            f" to '{folder}/part-0000{part}-a.snappy.parquet' (format parquet)"
        )
    (folder / "_SUCCESS").write_text("")


def test_tables_are_landed_all_or_none(con, tmp_path):
    con.execute("create schema marts")
    con.execute("create table marts.fct_a as select 1 as old")
    con.execute("create table marts.fct_b as select 1 as old")
    spark_files(tmp_path, "fct_a", [0.5, 1.5, 2.5])

    # fct_b has no files: nothing is landed, fct_a keeps the last build
    with pytest.raises(duckdb.IOException, match="fct_b"):
        spark.land_tables(con, str(tmp_path), [("marts", "fct_a"), ("marts", "fct_b")])
    assert con.sql("select * from marts.fct_a").fetchall() == [(1,)]

    spark_files(tmp_path, "fct_b", [9.0])
    landed = spark.land_tables(con, str(tmp_path), [("marts", "fct_a"), ("marts", "fct_b")])
    assert landed == {"marts.fct_a": 3, "marts.fct_b": 1}
    assert con.execute("select sum(value) from marts.fct_a").fetchone() == (4.5,)
