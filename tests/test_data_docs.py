"""Data Docs: GX's pages, rewritten to load nothing from the internet."""

import re

import duckdb
import pandas as pd

from dagster_project import data_docs, warehouse

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
    index = data_docs.build({"raw_prices": frame}, tmp_path / "docs")
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


def test_docs_show_what_each_check_validated():
    """A raw table: the rows its latest loading run inserted or updated; a mart: all of it."""
    con = duckdb.connect()

    def prices(closes: dict[str, float]) -> pd.DataFrame:
        return pd.DataFrame(
            {"symbol": "IWM", "date": pd.to_datetime(list(closes)), "close": list(closes.values())}
        )

    warehouse.upsert(
        con, "prices", prices({"2026-01-02": 10.0, "2026-01-05": 11.0}), source="t", run_id="a"
    )
    warehouse.upsert(
        con, "prices", prices({"2026-01-05": 12.0, "2026-01-06": 13.0}), source="t", run_id="b"
    )
    con.execute("create schema marts; create table marts.m as select range as x from range(4)")

    raw = data_docs._rows_checked(con, "raw.prices")
    assert sorted(raw["date"].dt.strftime("%Y-%m-%d")) == ["2026-01-05", "2026-01-06"]
    assert len(data_docs._rows_checked(con, "marts.m")) == 4
    assert data_docs._rows_checked(con, "raw.valuations").empty  # never loaded
