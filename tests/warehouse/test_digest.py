"""The warehouse digest (dagster_project.digest) tells two warehouses apart, floats to 1e-9."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd

from dagster_project.digest import compare, differences, digest, main


def test_a_warehouse_equals_its_copy_and_a_change_is_named(sample_warehouse, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(sample_warehouse, copy)
    assert compare(str(sample_warehouse), str(copy)) == []
    with duckdb.connect(str(copy)) as con:
        tables = digest(con)
        assert {"raw.prices", "marts.fct_rotation_daily"} <= set(tables)
        assert (
            tables["raw.prices"][0] == con.execute("select count(*) from raw.prices").fetchone()[0]
        )
        # a float moved by a relative 1e-12 (a build's rounding): the same data; and what the
        # digest leaves out of the comparison (when rows were loaded) changes nothing
        con.execute("update marts.fct_rotation_daily set ratio = ratio * (1 + 1e-12)")
        con.execute("update raw.prices set loaded_at = loaded_at + interval 1 day")
    assert compare(str(sample_warehouse), str(copy)) == []
    assert main([str(sample_warehouse), str(copy)]) == 0

    with duckdb.connect(str(copy)) as con:
        ((pair, day, ratio),) = con.execute(
            "select pair_id, rotation_date, ratio from marts.fct_rotation_daily"
            " order by pair_id, rotation_date limit 1"
        ).fetchall()
        con.execute(
            "update marts.fct_rotation_daily set ratio = ratio * (1 + 1e-6)"
            " where pair_id = ? and rotation_date = ?",
            [pair, day],
        )
        con.execute("delete from raw.prices where symbol = 'IWM' and date = '2026-06-30'")
    found = compare(str(sample_warehouse), str(copy))
    (moved,) = [f for f in found if f.startswith("marts.fct_rotation_daily: ratio")]
    # the first warehouse's value against the copy's, moved by 1e-6 (and 1e-12 before)
    assert moved.startswith(f"marts.fct_rotation_daily: ratio {ratio / (1 + 1e-12)!r} != ")
    assert f"'pair_id': '{pair}'" in moved
    assert any(f.startswith("raw.prices: only in the first") and "'IWM'" in f for f in found), found
    assert "raw.prices: 1" in "\n".join(found)  # the row counts, first
    assert main([str(sample_warehouse), str(copy)]) == 1


def test_floats_near_zero_are_compared_to_an_absolute_1e_12():
    # a sum that cancels comes out as rounding noise, in no fixed order between builds
    first = pd.DataFrame({"day": [1, 2, 3], "x": [-2.6404e-16, 0.5, 1e-9]})
    second = pd.DataFrame({"day": [1, 2, 3], "x": [-2.6399e-16, 0.5, 1.1e-9]})
    (found,) = differences(first, second, ["x"])
    assert found.startswith("x 1e-09 != 1.1e-09")
