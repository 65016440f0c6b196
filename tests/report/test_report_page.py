"""The report's page and PNGs as files: nothing loaded from outside, every chart embedded, the
synthetic banner, the headline, the scorecard read back cell by cell, the stale-price warning,
and a warehouse without rows."""

import base64
import dataclasses
import html
import re

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from support.report_page import CHARTS, SIGNALS, assert_not_blank, scorecard_cells

from dagster_project import report
from dagster_project.resources import DBT_PROJECT_DIR

# an attribute that makes a browser fetch something, and CSS that does
FETCHING = re.compile(r"\s(src|href|srcset|poster|data|action|formaction)\s*=\s*\"([^\"]*)\"", re.I)
CSS_FETCH = re.compile(r"@import|url\(\s*['\"]?(?!data:)", re.I)


def test_the_page_loads_nothing_from_outside_itself(built):
    page = built.index.read_text()
    assert "<script" not in page.lower()
    for attribute, value in FETCHING.findall(page):
        assert value.startswith(("data:", "#")), f"{attribute}={value[:80]!r} fetches a resource"
    for style in re.findall(r"<style>(.*?)</style>", page, re.S):
        assert not CSS_FETCH.search(style), "the stylesheet imports or fetches something"
    assert not re.search(r"https?://", page)


def test_every_chart_is_a_png_file_and_embedded_as_a_data_uri(built):
    page = built.index.read_text()
    assert [chart.name for chart in built.charts] == CHARTS
    for chart in built.charts:
        png = (built.index.parent / f"{chart.name}.png").read_bytes()
        assert chart.has_data, chart.name
        figure = re.search(rf'<figure id="chart-{chart.name}".*?</figure>', page, re.S)
        assert figure, f"{chart.name} is not on the page"
        (uri,) = re.findall(r'<img[^>]+src="data:image/png;base64,([^"]+)"', figure.group(0))
        assert base64.b64decode(uri) == png, f"{chart.name}: page and PNG file differ"
        assert_not_blank(png, chart.name)


def test_synthetic_data_is_announced_and_real_data_is_not(data, built):
    assert data.sources == ["sample"]
    page = built.index.read_text()
    banner = re.search(r'<div class="synthetic" id="synthetic-banner".*?</div>', page, re.S)
    assert banner and "synthetic, not market history" in banner.group(0)
    real = dataclasses.replace(data, sources=["files"])
    page = report.page(real, built.charts)
    assert "synthetic-banner" not in page and "not market history" not in page


def test_the_headline_states_the_latest_figures_in_words(data, built):
    headline = re.search(r'<p class="headline">.*?</p>', built.index.read_text(), re.S)
    text = re.sub(r"<[^>]+>", "", headline.group(0))
    last = data.rotation.iloc[-1]
    assert f"{last['spread_10d_bps']:+,.0f} bps" in text
    assert f"({last['spread_ytd_bps']:+,.0f} bps)" in text
    assert "percentile" in text and "Russell 2000" in text


def test_the_scorecard_table_is_the_marts_latest_row(sample_warehouse, asset_page):
    dbt_vars = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    pair = dbt_vars["scorecard_pair"]
    latest = (
        "select * from marts.rpt_rotation_scorecard where pair_id = ?"
        " order by scorecard_date desc limit 1"
    )
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        row = con.execute(latest, [pair]).df().iloc[0]
    page = asset_page.read_text()
    assert f'<table id="scorecard" data-pair="{pair}">' in page
    cells = scorecard_cells(page)
    expected = [*SIGNALS, "composite_score", "composite_label", "signals_available"]
    assert set(expected) <= set(cells) and "scorecard_date" in cells
    for column, (value, text) in cells.items():
        mart = row[column]
        if pd.isna(mart):
            assert value == "" and text in ("n/a", "trigger unknown"), column
        elif isinstance(mart, pd.Timestamp):
            assert value == mart.strftime("%Y-%m-%d"), column
        elif isinstance(mart, bool | np.bool_):
            assert value == str(bool(mart)).lower(), column
        elif isinstance(mart, str):
            assert value == mart, column
        else:
            assert float(value) == pytest.approx(float(mart), rel=1e-12), column
    for column in [*SIGNALS, "composite_score"]:  # the reading shown: +1 / 0 / -1
        mart = row[column]
        assert cells[column][1] == ("n/a" if pd.isna(mart) else f"{int(mart):+d}" if mart else "0")
    assert "momentum_missing_reason" not in cells  # known momentum: no reason shown


def test_the_scorecard_table_says_why_the_momentum_is_missing(sample_warehouse):
    # a day ^GSPC has no price: the mart keeps the row, its momentum null with the reason
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        row = con.sql(
            "select * from marts.rpt_rotation_scorecard order by scorecard_date desc limit 1"
        ).df()
    reason = "no price of ^GSPC that day (last price 2026-02-27)"
    row = row.assign(
        regime=None, momentum_signal=pd.array([None], dtype="Int32"), momentum_missing_reason=reason
    )
    cells = scorecard_cells(report.scorecard_table(row))
    assert cells["momentum_signal"] == ("", "n/a")
    assert cells["momentum_missing_reason"] == (reason, reason)


def test_a_stale_instrument_is_a_warning_at_the_top_of_the_page(sample_warehouse, warehouse_copy):
    # ^GSPC's prices end a month early: its pair stops there, which the page must say
    warehouse = warehouse_copy
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.prices where symbol = '^GSPC' and date > '2026-05-29'")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stale = report.load(con)
    assert len(stale.stale) == 1 and stale.stale[0].startswith("^GSPC: last price 2026-05-29")
    page = report.page(stale, [])
    notice = re.search(r'<div class="stale" id="stale-instruments".*?</div>', page, re.S)
    assert notice and html.escape(stale.stale[0]) in notice.group(0)
    assert page.index("stale-instruments") < page.index('class="headline"')
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        assert report.load(con).stale == []


def test_an_empty_warehouse_gives_a_page_of_no_data_panels(empty_data, tmp_path):
    built = report.build(empty_data, tmp_path)
    page = built.index.read_text()
    assert [c.name for c in built.charts] == CHARTS
    assert not any(c.has_data for c in built.charts)
    assert page.count('data-has-data="false"') == len(CHARTS)
    assert "No data: the scorecard mart is empty" in page
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(f"{c}.png" for c in CHARTS)
