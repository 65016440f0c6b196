"""Data Docs: GX's pages, rewritten to load nothing from the internet."""

import re

import duckdb
import pandas as pd

from dagster_project import data_docs, quality, warehouse

RESOURCE = re.compile(r"<(link|script|img)[^>]+(href|src)=\"https?://", re.IGNORECASE)


def test_data_docs_are_built_and_load_nothing_from_the_internet(tmp_path):
    frame = pd.DataFrame(
        {
            "symbol": ["IWM", "IWM"],
            "date": pd.to_datetime(["2026-01-02", "2026-01-05"]),
            "open": [200.0, 201.0],
            "high": [202.0, 199.0],  # the second row's high is below its open and close
            "low": [199.0, 198.0],
            "close": [201.0, 200.0],
            "adj_close": [201.0, 200.0],
            "volume": [1000, 1100],
            "source": "test",
            "loaded_at": pd.Timestamp("2026-01-06"),
        }
    )
    saved = quality.result_json(quality.run_suite([frame], "raw_prices"))  # as a check saves it
    index = data_docs.build({"raw_prices": quality.result_from_json(saved)}, tmp_path / "docs")
    assert index.exists()
    pages = list((tmp_path / "docs").rglob("*.html"))
    assert len(pages) >= 3  # index, the suite, one validation
    for page in pages:
        html = page.read_text()
        assert not RESOURCE.search(html), page
        assert "<style>" in html
    (validation,) = (tmp_path / "docs" / "validations").rglob("*.html")
    text = re.sub(r"<[^>]+>", " ", validation.read_text())
    assert "raw_prices" in text and "Failed" in text
    assert "Values in high must always be greater than or equal to those in close" in " ".join(
        text.split()
    )


def test_the_run_builds_data_docs_beside_the_warehouse(sample_warehouse):
    index = sample_warehouse.parent / "data_docs" / "index.html"
    assert index.exists()
    assert not RESOURCE.search(index.read_text())


def test_docs_show_the_results_the_checks_saved_and_validate_a_mart_only_if_its_check_has_not():
    """A raw table: the result its latest check saved (the rows that run loaded), none yet: the
    suite's page alone. A mart: its check's result from this run, else validated now, whole."""
    con = duckdb.connect()
    bad = pd.DataFrame({"symbol": ["IWM"], "date": pd.to_datetime(["2030-01-02"]), "close": [-1.0]})
    result = quality.run_suite([bad], "raw_prices")
    warehouse.save_validation(con, "raw_prices", "run-1", quality.result_json(result))

    shown = data_docs._result(con, "raw_prices", "run-2")
    assert not shown.success and shown.meta["rows_validated"] == 1
    assert shown.statistics == result.statistics
    assert data_docs._result(con, "raw_valuations", "run-2") is None  # never validated

    con.execute("create schema marts; create table marts.fct_prices_daily as from range(3)")
    warehouse.save_validation(con, "marts_fct_prices_daily", "run-2", quality.result_json(result))
    assert data_docs._result(con, "marts_fct_prices_daily", "run-2").meta["rows_validated"] == 1
    now = data_docs._result(con, "marts_fct_prices_daily", "run-3")  # its check has not run
    assert now.meta["rows_validated"] == 3 and not now.success  # the 3-row table, wrong columns
