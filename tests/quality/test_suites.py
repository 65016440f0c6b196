"""Every Great Expectations suite in expectations/: it parses and guards a raw table or a mart,
it has a good frame (support/good_frames/, by domain), and the sample warehouse passes it.

The good and bad frames of each suite are tested in test_suite_frames.py."""

from __future__ import annotations

import dataclasses

import duckdb
from support.good_frames import DOMAINS, GOOD
from support.suite_cases import failures

from dagster_project import marts, quality, warehouse
from dagster_project.reference import PROJECT_ROOT

MART_MODELS = sorted((PROJECT_ROOT / "dbt_models" / "models" / "marts").glob("*/*.sql"))
TABLES = {f"raw.{t}" for t in warehouse.RAW_TABLES} | {f"marts.{p.stem}" for p in MART_MODELS}


def test_every_suite_file_parses_and_guards_a_raw_table_or_mart():
    names = quality.suite_names()
    assert {quality.suite_table(n) for n in names} == TABLES  # one suite per table, none missing
    for name in names:
        spec = quality.load_suite(name)
        table = spec["meta"]["table"]
        assert spec["name"] == name == table.replace(".", "_")
        assert spec["meta"]["description"]
        assert quality.expectation_suite(name).expectations  # GX accepts every expectation
        for expectation in spec["expectations"]:
            assert set(expectation) <= {"type", "kwargs", "meta"}
            kwargs = expectation["kwargs"]
            if "row_condition" in kwargs:  # a condition is never obvious: it says why
                assert kwargs["condition_parser"] == "pandas"
                assert expectation.get("meta", {}).get("why"), (name, kwargs)
        unique = [e for e in spec["expectations"] if "unique" in e["type"]]
        assert unique, f"{name} checks no grain"


def test_every_suite_has_a_good_frame_in_its_domain():
    assert set(GOOD) == set(quality.suite_names())
    assert set(DOMAINS["raw"]) == {f"raw_{t}" for t in warehouse.RAW_TABLES}
    by_folder = {}  # the mart domains: the folders of dbt_models/models/marts/
    for model in MART_MODELS:
        by_folder.setdefault(model.parent.name, set()).add(f"marts_{model.stem}")
    assert {d: set(frames) for d, frames in DOMAINS.items() if d != "raw"} == by_folder


def test_the_sample_warehouse_passes_every_suite(sample_warehouse):
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        frames = {n: con.sql(f"select * from {quality.suite_table(n)}").df() for n in GOOD}
    failed = {
        name: [o.describe() for o in quality.validate(frame, name) if not o.success]
        for name, frame in frames.items()
    }
    assert {name: f for name, f in failed.items() if f} == {}
    assert all(len(frame) for frame in frames.values())


def test_a_column_added_to_a_marts_yml_needs_no_change_to_its_suite_or_good_frame(monkeypatch):
    # adding a column touches the mart's SQL and yml only: the suite's column set and the good
    # frame both follow the yml (the registry of marts)
    suite = "marts_fct_valuation_monthly"
    real = marts.mart("fct_valuation_monthly")
    added = dataclasses.replace(real, columns=(*real.columns, "new_column"))
    monkeypatch.setattr(marts, "mart", lambda name: added)
    quality.load_suite.cache_clear()
    try:
        frame = GOOD[suite]()
        assert list(frame.columns) == [*real.columns, "new_column"]
        assert [o.describe() for o in failures(frame, suite)] == []
        assert [o.expectation for o in failures(frame.drop(columns="new_column"), suite)] == [
            "expect_table_columns_to_match_set"
        ]
    finally:
        quality.load_suite.cache_clear()
