"""dbt's unit tests (the models' SQL on fixed, hand-worked inputs) pass.

The warehouse build leaves them out (dagster_project/transform.py): they test the code, not the
data, so they run here. dbt needs the models' parents to exist, so they are built empty first.
"""

from __future__ import annotations

import duckdb
from support.constituent_market import run_dbt

from dagster_project import warehouse


def test_every_dbt_unit_test_passes(tmp_path):
    path = tmp_path / "rotation.duckdb"
    with duckdb.connect(str(path)) as con:
        warehouse.ensure_schema(con)  # the raw tables, empty
    run_dbt(path, tmp_path, "seed")
    run_dbt(path, tmp_path, "run", "--empty")
    run_dbt(path, tmp_path, "test", "--select", "test_type:unit")
    results = (tmp_path / "target" / "run_results.json").read_text()
    assert results.count('"status": "pass"') >= 30  # every unit test ran (32 when written)
