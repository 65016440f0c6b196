"""The report's data read once from the sample warehouse, the report built from it, and the
report the run's asset wrote; and a report of empty frames."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project import report


@pytest.fixture(scope="module")
def data(sample_warehouse) -> report.ReportData:
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        return report.load(con)


@pytest.fixture(scope="module")
def built(data, tmp_path_factory) -> report.Report:
    return report.build(data, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def asset_page(sample_warehouse) -> Path:
    """The report the run's asset wrote beside the sample warehouse."""
    index = sample_warehouse.parent / "report" / "index.html"
    assert index.exists(), f"{index} is missing: the run did not materialize report/rotation_report"
    return index


@pytest.fixture
def empty_data() -> report.ReportData:
    """The report of a warehouse without rows: the headline pair named, every frame empty."""
    frames = ["rotation", "episodes", "episode_summary", "valuation", "flows", "macro"]
    frames += ["backtest", "backtest_ic", "ic_rolling"]
    blank = {name: pd.DataFrame() for name in frames}
    return report.ReportData(
        pair_id="rut_spx",
        pair_description="Russell 2000 vs S&P 500",
        small_name="Russell 2000",
        large_name="S&P 500",
        sources=[],
        scorecard=pd.DataFrame(),
        **blank,
    )
