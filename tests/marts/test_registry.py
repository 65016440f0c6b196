"""The registry of marts (dagster_project.marts): the dbt manifest says which marts exist, their
domain, grain and columns, and the summary, the serving layer, the suites and the Dagster groups
follow it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey

from dagster_project import marts, quality, summary, transform
from dagster_project.definitions import defs
from dagster_project.reference import PROJECT_ROOT

MODELS = PROJECT_ROOT / "dbt_models" / "models"
COLUMNS = "expect_table_columns_to_match_set"
UNIQUE = ("expect_compound_columns_to_be_unique", "expect_column_values_to_be_unique")


def test_every_model_in_a_marts_domain_folder_is_a_mart_of_that_domain():
    folders = {p.stem: p.parent.name for p in (MODELS / "marts").glob("*/*.sql")}
    assert {m.name: m.domain for m in marts.marts()} == folders
    assert not list((MODELS / "marts").glob("*.sql"))  # every mart is in a domain folder
    assert {m.domain for m in marts.marts()} == {
        "rotation",
        "valuation",
        "flows",
        "macro",
        "breadth",
    }
    assert all(m.schema == "marts" for m in marts.marts())
    assert marts.MANIFEST == transform.dbt_project().manifest_path  # the assets' manifest


def test_a_mart_is_found_by_name_or_table_and_an_unknown_one_is_named():
    rotation = marts.mart("fct_rotation_daily")
    assert marts.mart("marts.fct_rotation_daily") == rotation
    assert rotation.table == "marts.fct_rotation_daily"
    assert rotation.asset_key == AssetKey(["marts", "fct_rotation_daily"])
    assert rotation.keys == ("pair_id", "rotation_date")
    assert rotation.date_column == "rotation_date"
    assert marts.mart("rpt_rotation_episode_summary").date_column is None
    with pytest.raises(KeyError, match="no mart 'fct_nothing'.*fct_rotation_daily"):
        marts.mart("fct_nothing")
    with pytest.raises(KeyError):
        marts.asset_keys(["fct_rotation_daily", "fct_nothing"])


def unique_column_lists(manifest: dict, mart: marts.Mart) -> list[list[str]]:
    """The columns of each of dbt's uniqueness tests on the mart."""
    found = []
    for node in manifest["nodes"].values():
        test = node.get("test_metadata") or {}
        if node.get("attached_node") != f"model.rotation.{mart.name}":
            continue
        if test.get("name") == "unique_combination_of_columns":
            found.append(test["kwargs"]["combination_of_columns"])
        elif test.get("name") == "unique":
            found.append([test["kwargs"]["column_name"]])
    return found


def test_each_marts_keys_are_what_dbt_and_its_suite_test_unique():
    manifest = json.loads(marts.MANIFEST.read_text())
    for mart in marts.marts():
        assert list(mart.keys) in unique_column_lists(manifest, mart), mart.name
        spec = quality.load_suite(f"marts_{mart.name}")
        assert quality.key_columns(spec) == list(mart.keys)
        grains = [
            e["kwargs"].get("column_list", [e["kwargs"].get("column")])
            for e in spec["expectations"]
            if e["type"] in UNIQUE and "row_condition" not in e["kwargs"]
        ]
        assert list(mart.keys) in grains, mart.name


def test_each_marts_suite_takes_its_column_set_from_the_yml_only():
    guarded = {quality.suite_table(n) for n in quality.suite_names()}
    assert {t for t in guarded if t.startswith("marts.")} == {m.table for m in marts.marts()}
    for mart in marts.marts():
        name = f"marts_{mart.name}"
        assert quality.suite_table(name) == mart.table
        written = quality.suite_file(name)["expectations"]
        assert COLUMNS not in [e["type"] for e in written], f"{name}.json lists the columns"
        (columns,) = [e for e in quality.load_suite(name)["expectations"] if e["type"] == COLUMNS]
        assert columns["kwargs"] == {"column_set": list(mart.columns), "exact_match": True}


def test_every_marts_yml_columns_are_the_built_marts_columns(sample_warehouse):
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        built = {}
        for table, column in con.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'marts'"
        ).fetchall():
            built.setdefault(table, set()).add(column)
    assert set(built) == {m.name for m in marts.marts()}
    for mart in marts.marts():
        yml = set(mart.columns)
        assert built[mart.name] == yml, (
            f"{mart.name}: built but not in its yml {sorted(built[mart.name] - yml)},"
            f" in its yml but not built {sorted(yml - built[mart.name])}"
        )


def test_the_summary_counts_every_mart_by_its_date_column():
    tables = summary.tables()
    assert list(tables)[:5] == [
        "raw.prices",
        "raw.etf_shares",
        "raw.macro_observations",
        "raw.valuations",
        "raw.constituents",
    ]
    assert {t: d for t, d in tables.items() if t.startswith("marts.")} == {
        m.table: m.date_column for m in marts.marts()
    }


def test_the_serving_asset_follows_the_registrys_marts():
    graph = defs.resolve_asset_graph()
    assert graph.get(AssetKey(["serving", "published"])).parent_keys == set(marts.asset_keys())
    # and runs after them: the job's step waits for the dbt build's outputs
    job = defs.resolve_implicit_global_asset_job_def()
    (serving,) = [n for n in job.graph.dependencies if n.name == "serving__published"]
    upstream = {
        output.node
        for dependency in job.graph.dependencies[serving].values()
        for output in dependency.get_node_dependencies()
    }
    assert upstream == {"rotation_dbt_assets"}


def test_dagster_groups_are_the_domains_of_intermediate_models_and_marts():
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    for layer in ("intermediate", "marts"):
        for sql in (MODELS / layer).glob("*/*.sql"):
            assert groups[f"{layer}/{sql.stem}"] == sql.parent.name
    for sql in (MODELS / "staging").glob("*.sql"):
        assert groups[f"staging/{sql.stem}"] == "staging"
    assert groups["reference/instruments"] == "reference"
    assert groups["raw/prices"] == groups["raw/trading_calendar"] == "ingest"


def test_a_mart_without_its_grain_in_the_yml_is_refused(tmp_path, monkeypatch):
    manifest = json.loads(marts.MANIFEST.read_text())
    node = manifest["nodes"]["model.rotation.fct_rotation_daily"]
    del node["config"]["meta"]["keys"]
    changed = tmp_path / "manifest.json"
    changed.write_text(json.dumps(manifest))
    monkeypatch.setattr(marts, "MANIFEST", changed)
    with pytest.raises(ValueError, match="fct_rotation_daily has no grain.*fct_rotation_daily.yml"):
        marts.marts()
    node["config"]["meta"]["keys"] = ["pair_id", "rotation_day"]
    changed = tmp_path / "typo.json"
    changed.write_text(json.dumps(manifest))
    monkeypatch.setattr(marts, "MANIFEST", changed)
    with pytest.raises(ValueError, match=r"\['rotation_day'\] in meta but not a column"):
        marts.marts()


# What importing them may do: nothing reads the dbt manifest or parses the project until the
# definitions (or a command) ask for the marts.
IMPORTS_ONLY = """
from dagster_project import checks, marts, quality, serving, summary, transform
assert marts._manifest.cache_info().currsize == 0, "the manifest was read at import"
assert transform.dbt_project.cache_info().currsize == 0, "the dbt project was loaded at import"
assert transform.dbt_assets_definition.cache_info().currsize == 0
"""


def test_nothing_reads_the_manifest_at_import():
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS_ONLY], capture_output=True, text=True, cwd=Path.cwd()
    )
    assert done.returncode == 0, done.stderr


def test_the_reports_marts_are_marts_of_the_registry():
    from dagster_project.report import MARTS as read_by_the_report

    assert [m.name for m in map(marts.mart, read_by_the_report)] == read_by_the_report
    assert set(report_deps()) >= set(marts.asset_keys(read_by_the_report))


def report_deps():
    from dagster_project.report import rotation_report

    return rotation_report.asset_deps[rotation_report.key]
