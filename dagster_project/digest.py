"""A digest of every raw and mart table, to tell whether two builds made the same warehouse.

    .venv/bin/python -m dagster_project.digest warehouse/rotation.duckdb            # print it
    .venv/bin/python -m dagster_project.digest before.duckdb after.duckdb           # compare

One line per table of the ``raw`` and ``marts`` schemas: its rows and a hash of its rows. The
hash leaves out what differs between two builds of the same data (``loaded_at``, load ids, the
load log and audit tables) and rounds floats to 9 significant digits. Comparing two warehouses
goes further for any table whose hash differs: its rows are matched on every non-float column
(each table's grain is among them) and each float compared to a relative 1e-9 (or an absolute
1e-12, for sums that cancel to zero), and the first differences are printed. Exits 1 when the
warehouses differ.
"""

from __future__ import annotations

import sys

import duckdb
import numpy as np
import pandas as pd

SCHEMAS = ("raw", "marts")
SKIPPED_TABLES = ("raw.load_log", "raw.file_digests", "raw.quarantine")  # about loads, not data
SKIPPED_COLUMNS = ("loaded_at", "load_id", "quarantined_at")
RELATIVE = 1e-9
# below this, a float is zero plus rounding: DuckDB sums in parallel, in no fixed order, so a
# sum that cancels to about 1e-16 differs from build to build (fct_concentration_daily)
ABSOLUTE = 1e-12
SHOWN = 5  # differences printed per table


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables()"
        " where schema_name in (select unnest(?)) order by 1",
        [list(SCHEMAS)],
    ).fetchall()
    return [t for (t,) in rows if t not in SKIPPED_TABLES]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name, data_type from duckdb_columns()"
        " where schema_name = ? and table_name = ? order by column_index",
        [schema, name],
    ).fetchall()
    return {c: t for c, t in rows if c not in SKIPPED_COLUMNS}


def digest(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """table -> (rows, an order-free hash of its rows, floats to 9 significant digits)."""
    out = {}
    for table in tables(con):
        columns = _columns(con, table)
        values = [
            f"coalesce(round({c}, 8 - try_cast(floor(log10(abs({c}) + 1e-300)) as integer)), {c})"
            if t in ("DOUBLE", "FLOAT")
            else c
            for c, t in columns.items()
        ]
        out[table] = con.execute(
            f"select count(*), coalesce(sum(hash({', '.join(values)})), 0) from {table}"
        ).fetchone()
    return out


def differences(a: pd.DataFrame, b: pd.DataFrame, floats: list[str]) -> list[str]:
    """Rows of ``a`` and ``b`` (one table, two builds) that differ: matched on every other
    column, floats compared to a relative 1e-9 or an absolute 1e-12 (both missing is equal)."""
    keys = [c for c in a.columns if c not in floats]
    both = a.merge(b, on=keys, how="outer", suffixes=("", "_b"), indicator=True)
    found = [
        f"only in the {'first' if side == 'left_only' else 'second'}: {row[keys].to_dict()}"
        for side in ("left_only", "right_only")
        for _, row in both[both["_merge"] == side].head(SHOWN).iterrows()
    ]
    matched = both[both["_merge"] == "both"]
    for column in floats:
        x, y = matched[column].to_numpy(float), matched[f"{column}_b"].to_numpy(float)
        same = np.isclose(x, y, rtol=RELATIVE, atol=ABSOLUTE, equal_nan=True)
        for i in np.flatnonzero(~same)[:SHOWN]:
            found.append(
                f"{column} {float(x[i])!r} != {float(y[i])!r} at {matched.iloc[i][keys].to_dict()}"
            )
    return found


def compare(first: str, second: str) -> list[str]:
    """What differs between two warehouses, table by table (nothing: the same data)."""
    with (
        duckdb.connect(first, read_only=True) as a,
        duckdb.connect(second, read_only=True) as b,
    ):
        da, db = digest(a), digest(b)
        found = [f"{t}: only in {first}" for t in sorted(set(da) - set(db))]
        found += [f"{t}: only in {second}" for t in sorted(set(db) - set(da))]
        for table in sorted(set(da) & set(db)):
            if da[table] == db[table]:
                continue
            columns = _columns(a, table)
            if columns != _columns(b, table):
                found.append(f"{table}: columns differ")
                continue
            floats = [c for c, t in columns.items() if t in ("DOUBLE", "FLOAT")]
            select = f"select {', '.join(columns)} from {table}"
            rows = differences(a.sql(select).df(), b.sql(select).df(), floats)
            if da[table][0] != db[table][0]:
                rows.insert(0, f"{da[table][0]} rows against {db[table][0]}")
            found += [f"{table}: {row}" for row in rows]
        return found


def main(argv: list[str]) -> int:
    if len(argv) == 1:
        with duckdb.connect(argv[0], read_only=True) as con:
            for table, (rows, hashed) in digest(con).items():
                print(f"{table}\t{rows}\t{hashed}")
        return 0
    if len(argv) == 2:
        found = compare(*argv)
        for line in found:
            print(line)
        print("different" if found else "the same data, floats to a relative 1e-9")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
