"""Each pair's legs in its own words: rsp_spy is equal weight against cap weight, the size
pairs small caps against large caps, on the page, in the tables and in the charts."""

import re

import duckdb
import pytest
from support.report_page import legend_texts

from dagster_project import report


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
    _assert_rsp_charts_say_equal_and_cap_weight(rsp)


def _assert_rsp_charts_say_equal_and_cap_weight(rsp) -> None:
    label = rsp.pair_label
    strength = report.relative_strength_chart(rsp.rotation, label, sides=rsp.pair_sides)
    assert legend_texts(strength)[-2:] == ["equal-weight leadership", "cap-weight leadership"]
    ytd = legend_texts(report.ytd_by_year_chart(rsp.rotation, label, rsp.pair_sides))
    assert ytd[:2] == ["equal weight led", "cap weight led"]
    spread = legend_texts(
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
    strength = report.relative_strength_chart(data.rotation, "a vs b", sides=data.pair_sides)
    assert legend_texts(strength)[-2:] == ["small-cap leadership", "large-cap leadership"]
    assert "<h1>Small-cap vs large-cap rotation: " in page
