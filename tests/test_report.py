"""The rotation report: a self-contained HTML page and PNG charts, checked as files and in a real
headless Chromium (Debian's ``chromium`` and ``chromedriver``).

Without Chromium the browser test is skipped, unless ``ROTATION_REQUIRE_BROWSER=1`` (CI), where it
fails. Selenium is given the driver's path, so Selenium Manager never runs (it would download a
driver), and Chromium resolves no host name but 127.0.0.1.
"""

import base64
import dataclasses
import functools
import html
import io
import json
import os
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
import yaml
from dagster import materialize
from PIL import Image

from dagster_project import report
from dagster_project.resources import DBT_PROJECT_DIR, RotationSettings, build_resources

CHARTS = [
    "relative_strength",
    "ytd_spread_by_year",
    "spread_10d_episodes",
    "relative_pe",
    "etf_flows",
    "macro",
]
SIGNALS = [
    "momentum_signal",
    "valuation_signal",
    "flows_signal",
    "rates_signal",
    "labour_market_risk_signal",
    "inflation_risk_signal",
    "breadth_signal",
]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# an attribute that makes a browser fetch something, and CSS that does
FETCHING = re.compile(r"\s(src|href|srcset|poster|data|action|formaction)\s*=\s*\"([^\"]*)\"", re.I)
CSS_FETCH = re.compile(r"@import|url\(\s*['\"]?(?!data:)", re.I)


def assert_not_blank(png: bytes, what: str) -> None:
    """A chart has drawn content: many colours and contrast, not a flat or empty image."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    height, width, _ = image.shape
    assert height > 150 and width > 400, f"{what}: {width}x{height} px"
    colours = len(np.unique(image.reshape(-1, 3).astype(np.uint32) @ [1 << 16, 1 << 8, 1]))
    assert colours > 50 and image.std() > 15, f"{what} looks blank: {colours} colours"


def scorecard_cells(page: str) -> dict[str, str]:
    """data-column -> data-value of every cell of the page's scorecard table."""
    table = re.search(r'<table id="scorecard".*?</table>', page, re.S)
    assert table, "the page has no scorecard table"
    cells = re.findall(r'data-column="([^"]+)" data-value="([^"]*)">([^<]*)<', table.group(0))
    return {column: (html.unescape(value), html.unescape(text)) for column, value, text in cells}


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


# ---- the files


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


# ---- missing data


def _empty(**frames) -> report.ReportData:
    blank = {
        name: pd.DataFrame()
        for name in ["rotation", "episodes", "episode_summary", "valuation", "flows", "macro"]
    }
    return report.ReportData(
        pair_id="rut_spx",
        pair_description="Russell 2000 vs S&P 500",
        small_name="Russell 2000",
        large_name="S&P 500",
        sources=[],
        scorecard=pd.DataFrame(),
        **{**blank, **frames},
    )


def test_a_chart_without_its_data_is_a_no_data_panel(data):
    no_pe = data.valuation.assign(relative_forward_pe=None, relative_trailing_pe=None)
    no_flows = data.flows.iloc[:0]
    no_macro = data.macro[["trading_date"]]  # the series' columns are missing altogether
    for fig in [
        report.relative_pe_chart(no_pe),
        report.flows_chart(no_flows),
        report.macro_chart(no_macro),
        report.relative_strength_chart(pd.DataFrame(), "a vs b"),
        report.ytd_by_year_chart(data.rotation.assign(spread_ytd_bps=np.nan), "a vs b"),
        report.spread_episodes_chart(pd.DataFrame(), pd.DataFrame(), "a vs b"),
    ]:
        assert getattr(fig, "no_data", False)
        assert report.render(fig, synthetic=False, as_of=None).startswith(b"\x89PNG")
    # rotation rows without any episode: the spread is drawn, without markers
    fig = report.spread_episodes_chart(data.rotation, data.episodes.iloc[:0], "a vs b")
    assert not getattr(fig, "no_data", False)


def _texts(fig) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)


def test_without_one_index_pe_the_panel_names_that_index(data):
    # the large-cap index's P/E only (an ETF's would not be read): the small-cap one is named
    no_small = data.valuation.assign(
        small_forward_pe=None, small_trailing_pe=None, relative_forward_pe=None,
        relative_trailing_pe=None,
    )  # fmt: skip
    text = _texts(report.relative_pe_chart(no_small))
    assert "no P/E loaded for the small-cap index ^RUT (the indexes' P/Es are read" in text
    assert "large-cap" not in text


def test_a_fed_range_without_its_lower_bound_is_labelled_upper_bound_only(data):
    macro = data.macro.copy()
    range_days = macro["trading_date"] >= "2008-12-16"
    macro.loc[range_days, "fed_target_lower_pct"] = np.nan  # DFEDTARL not loaded
    fed = report.macro_chart(macro).axes[0]
    labels = [text.get_text() for text in fed.get_legend().get_texts()]
    assert "upper bound only from Dec 2008 (the lower bound's series, DFEDTARL, is not loaded)" in (
        labels
    )
    complete = report.macro_chart(data.macro).axes[0]
    assert not any("upper bound only" in t.get_text() for t in complete.get_legend().get_texts())


def test_the_ytd_legend_is_below_the_bars_not_over_them(data):
    fig = report.ytd_by_year_chart(data.rotation, "a vs b")
    (ax,) = fig.axes
    assert ax.get_legend() is None
    assert [len(legend.get_texts()) for legend in fig.subfigs[0].legends] == [3]


def test_the_episode_note_counts_this_pairs_episodes(data):
    summary = data.episode_summary
    longest = summary[summary["horizon_days"] == summary["horizon_days"].max()]
    count = int(longest["completed_episode_count"].max())
    note = report.episode_table(summary)
    assert f"a {int(longest['horizon_days'].iloc[0])}-day hit rate over {count} episodes" in note


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


def test_a_gap_in_the_flows_breaks_the_lines_instead_of_joining_them(data):
    columns = ["small_flow_21d_usd", "large_flow_21d_usd", "small_minus_large_flow_21d_pp"]
    flows = data.flows.copy()
    gap = flows.index[-300:-200]  # 100 trading days without any ETF's shares
    flows.loc[gap, columns] = np.nan
    fig = report.flows_chart(flows)
    top, low = fig.axes[:2]
    for line in top.get_lines()[:2]:  # small- and large-cap ETFs (then the zero line)
        y = np.asarray(line.get_ydata(), dtype=float)
        assert np.isnan(y).sum() == len(gap), line.get_label()
    # nothing is shaded over the gap: no filled polygon spans its middle day
    middle = mdates.date2num(flows.loc[gap[50], "flow_date"])
    for fill in low.collections:
        for path in fill.get_paths():
            xs = path.vertices[:, 0]
            assert not (xs.min() < middle < xs.max()), "a fill spans the gap"


def test_an_empty_warehouse_gives_a_page_of_no_data_panels(tmp_path):
    built = report.build(_empty(), tmp_path)
    page = built.index.read_text()
    assert [c.name for c in built.charts] == CHARTS
    assert not any(c.has_data for c in built.charts)
    assert page.count('data-has-data="false"') == len(CHARTS)
    assert "No data: the scorecard mart is empty" in page
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(f"{c}.png" for c in CHARTS)


# ---- the asset


def test_the_asset_writes_the_report_beside_the_warehouse(sample_warehouse, tmp_path):
    for path in sample_warehouse.parent.glob(sample_warehouse.name + "*"):  # with any .wal
        shutil.copy(path, tmp_path / path.name)
    settings = RotationSettings(warehouse=str(tmp_path / sample_warehouse.name))
    result = materialize([report.rotation_report], resources=build_resources(settings))
    assert result.success
    (event,) = result.asset_materializations_for_node("report__rotation_report")
    assert event.asset_key.path == ["report", "rotation_report"]
    metadata = event.metadata
    index = tmp_path / "report" / "index.html"
    assert metadata["index"].value == str(index) and index.exists()
    assert metadata["charts"].value == len(CHARTS)
    assert metadata["synthetic"].value is True
    assert metadata["render_seconds"].value < 20  # a few seconds on a laptop
    assert report.rotation_report.group_names_by_key[event.asset_key] == "report"


def test_every_chart_is_drawn_in_the_reports_style(data):
    # a chart drawn outside report.STYLE has matplotlib's default title (not bold)
    for chart in [
        report.relative_strength_chart(data.rotation, "a vs b"),
        report.ytd_by_year_chart(data.rotation, "a vs b"),
        report.spread_episodes_chart(data.rotation, data.episodes, "a vs b"),
        report.relative_pe_chart(data.valuation),
        report.flows_chart(data.flows),
        report.macro_chart(data.macro),
        report.no_data("t", "r"),
    ]:
        title = chart.axes[0].title
        assert title.get_fontweight() == report.STYLE["axes.titleweight"], title.get_text()


def test_the_readme_images_are_what_the_sample_draws(data):
    # the README shows docs/report/*.png: a chart changed without them shows what it no longer
    # draws (the flows chart once showed the USD difference the scorecard had stopped reading)
    # Agg's anti-aliasing of the same data is not bit-stable from one process to the next (a
    # pixel or two of the macro chart's 1.4 million flip between runs), so pixels are compared:
    # a chart that draws something else differs in thousands
    docs = report.PROJECT_ROOT / "docs" / "report"
    for chart in report.charts(data):
        drawn = np.asarray(Image.open(io.BytesIO(chart.png)).convert("RGB"))
        shown = np.asarray(Image.open(docs / f"{chart.name}.png").convert("RGB"))
        differing = (drawn != shown).any(axis=-1).sum() if drawn.shape == shown.shape else None
        assert differing is not None and differing <= 10, (
            f"docs/report/{chart.name}.png is not what the sample draws ({differing} pixels"
            " differ): regenerate the README images"
            " (python -m dagster_project.report --out docs/report --png-only)"
        )


def test_the_readme_images_come_from_the_sample_source_only(sample_warehouse, data, monkeypatch):
    monkeypatch.setenv("ROTATION_WAREHOUSE", str(sample_warehouse))
    monkeypatch.setattr(report, "load", lambda con: dataclasses.replace(data, sources=["files"]))
    docs = report.PROJECT_ROOT / "docs" / "report"
    before = {p: p.stat().st_mtime_ns for p in docs.glob("*")} if docs.exists() else {}
    with pytest.raises(SystemExit, match="sample source only"):
        report.main(["--out", str(docs), "--png-only"])
    after = {p: p.stat().st_mtime_ns for p in docs.glob("*")} if docs.exists() else {}
    assert after == before


# ---- in a real browser


@pytest.fixture
def browser(tmp_path, monkeypatch):
    """Debian's headless Chromium driven by its chromedriver, with no network but 127.0.0.1."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common import selenium_manager
    except ImportError:
        missing.append("the selenium package")
    if missing:
        reason = f"no headless browser: {', '.join(missing)} missing (apt-get install chromium)"
        if os.environ.get("ROTATION_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ROTATION_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)

    def no_selenium_manager(*args, **kwargs):
        raise AssertionError("Selenium Manager must not run: it downloads drivers")

    monkeypatch.setattr(selenium_manager.SeleniumManager, "binary_paths", no_selenium_manager)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1300,1400",
    ]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served(asset_page):
    """The report's folder over HTTP on 127.0.0.1 (a free port), as a static server would."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(asset_page.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_report_renders_in_headless_chromium(browser, served, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get_log("performance")  # drained: the start page's own requests are not the report's
    browser.get(served + "index.html")
    assert browser.execute_script("return document.readyState") == "complete"
    assert browser.title.startswith("Rotation report")

    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, f"console errors: {severe}"
    requested = [
        message["params"]["request"]["url"]
        for entry in browser.get_log("performance")
        if (message := json.loads(entry["message"])["message"])["method"]
        == "Network.requestWillBeSent"
    ]
    internal = ("data:", "chrome:", "chrome-extension:", "about:")  # not network requests
    outside = [url for url in requested if not url.startswith((served, *internal))]
    assert served + "index.html" in requested
    assert not outside, f"the page requested {outside}"

    banner = browser.find_element(By.ID, "synthetic-banner")
    assert banner.is_displayed() and "not market history" in banner.text

    images = browser.find_elements(By.CSS_SELECTOR, "figure img.chart")
    assert len(images) == len(CHARTS)
    for image in images:
        name = image.find_element(By.XPATH, "..").get_attribute("id").removeprefix("chart-")
        loaded = browser.execute_script(
            "const i = arguments[0]; return i.complete ? i.naturalWidth : 0", image
        )
        assert loaded > 0, f"{name} did not render"
        assert image.size["width"] > 600, f"{name} is displayed {image.size['width']} px wide"
        shot = image.screenshot_as_png
        (tmp_path / f"{name}.screenshot.png").write_bytes(shot)
        assert_not_blank(shot, f"{name} as displayed")

    table = browser.find_element(By.ID, "scorecard")
    assert table.is_displayed() and "Composite" in table.text


def _legend(fig) -> list[str]:
    legends = [*fig.legends, *(lg for sub in fig.subfigs for lg in sub.legends)]
    return [t.get_text() for lg in legends for t in lg.get_texts()]


@pytest.fixture(scope="module")
def rsp(sample_warehouse) -> report.ReportData:
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        return report.load(con, "rsp_spy")


def test_rsp_spys_sides_are_equal_weight_and_cap_weight(rsp):
    # RSP against SPY is the equal-weight S&P 500 against the cap-weighted one: no side of it
    # is small or large caps, in the page, the episode table or the charts
    page = report.page(rsp, [])
    assert "<h1>Equal-weight vs cap-weight rotation: " in page
    episodes = re.search(r'<table class="numbers" id="episodes">.*?</p>', page, re.S).group(0)
    assert episodes.count("<td>equal weight (+)</td>") == 4  # one row per horizon
    assert episodes.count("<td>cap weight (-)</td>") == 4
    assert "median forward spread (equal weight minus cap weight)" in episodes
    assert "after a cap-weight episode, a negative one means the cap weight kept leading" in (
        episodes
    )
    (row,) = re.findall(r"<tr><td><b>rsp_spy</b>.*?</tr>", page)
    regime = rsp.pairs_latest.set_index("pair_id").loc["rsp_spy", "regime"]
    words = {
        "small_cap_leadership": "equal-weight leadership",
        "large_cap_leadership": "cap-weight leadership",
        "neutral": "neutral",
    }[regime]
    assert f"<td>{words}</td>" in row
    for text in (episodes, row):
        assert not re.search(r"(small|large)[- ]cap", text, re.I), text

    label = rsp.pair_label
    assert _legend(report.relative_strength_chart(rsp.rotation, label, sides=rsp.pair_sides))[
        -2:
    ] == ["equal-weight leadership", "cap-weight leadership"]
    ytd = _legend(report.ytd_by_year_chart(rsp.rotation, label, rsp.pair_sides))
    assert ytd[:2] == ["equal weight led", "cap weight led"]
    spread = _legend(
        report.spread_episodes_chart(rsp.rotation, rsp.episodes, label, sides=rsp.pair_sides)
    )
    assert "equal-weight episode start" in spread and "cap-weight episode start" in spread
    captions = {c.name: c.caption for c in report.charts(rsp)}
    assert "Shading: equal-weight leadership" in captions["relative_strength"]
    assert "or cap-weight leadership (both below)" in captions["relative_strength"]
    assert "(equal weight, up triangle)" in captions["spread_10d_episodes"]


def test_the_size_pairs_keep_small_and_large_caps(data, built):
    page = built.index.read_text()
    table = report.episode_table(data.episode_summary, data.pair_sides)
    assert data.pair_id == "rut_spx"
    assert table.count("<td>small caps (+)</td>") == 4
    assert table.count("<td>large caps (-)</td>") == 4
    assert _legend(report.relative_strength_chart(data.rotation, "a vs b", sides=data.pair_sides))[
        -2:
    ] == ["small-cap leadership", "large-cap leadership"]
    assert "<h1>Small-cap vs large-cap rotation: " in page
