"""The report's Dagster asset and its command line: where they write, what they may write."""

import dataclasses
import shutil

import pytest
from dagster import materialize
from support.report_page import CHARTS

from dagster_project import report
from dagster_project.resources import WarehouseResource, build_resources


def test_the_asset_writes_the_report_beside_the_warehouse(sample_warehouse, tmp_path):
    for path in sample_warehouse.parent.glob(sample_warehouse.name + "*"):  # with any .wal
        shutil.copy(path, tmp_path / path.name)
    resources = build_resources(WarehouseResource(path=str(tmp_path / sample_warehouse.name)))
    result = materialize([report.rotation_report], resources=resources)
    assert result.success
    (event,) = result.asset_materializations_for_node("report__rotation_report")
    assert event.asset_key.path == ["report", "rotation_report"]
    metadata = event.metadata
    index = tmp_path / "report" / "index.html"
    assert metadata["index"].value == str(index) and index.exists()
    assert metadata["charts"].value == len(CHARTS)
    assert metadata["synthetic"].value is True
    assert metadata["render_seconds"].value < 20
    assert report.rotation_report.group_names_by_key[event.asset_key] == "report"


def test_the_readme_images_come_from_the_sample_source_only(sample_warehouse, data, monkeypatch):
    monkeypatch.setenv("ROTATION_WAREHOUSE", str(sample_warehouse))
    # the command line's own load (report.cli.load): a warehouse of real prices
    monkeypatch.setattr(
        report.cli, "load", lambda con: dataclasses.replace(data, sources=["files"])
    )
    docs = report.PROJECT_ROOT / "docs" / "report"
    before = {p: p.stat().st_mtime_ns for p in docs.glob("*")} if docs.exists() else {}
    with pytest.raises(SystemExit, match="sample source only"):
        report.main(["--out", str(docs), "--png-only"])
    after = {p: p.stat().st_mtime_ns for p in docs.glob("*")} if docs.exists() else {}
    assert after == before
