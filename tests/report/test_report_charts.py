"""The report's charts drawn from frames: "no data" panels for missing frames, what a panel
says of a missing series, legends, gaps, the house style, and the README's images."""

import io

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from PIL import Image
from support.report_page import texts

from dagster_project import report


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
        report.scorecard_ic_chart(data.ic_rolling.iloc[:0]),
    ]:
        assert getattr(fig, "no_data", False)
        assert report.render(fig, synthetic=False, as_of=None).startswith(b"\x89PNG")
    # rotation rows without any episode: the spread is drawn, without markers
    fig = report.spread_episodes_chart(data.rotation, data.episodes.iloc[:0], "a vs b")
    assert not getattr(fig, "no_data", False)


def test_without_one_index_pe_the_panel_names_that_index(data):
    # the large-cap index's P/E only (an ETF's would not be read): the small-cap one is named
    no_small = data.valuation.assign(
        small_forward_pe=None, small_trailing_pe=None, relative_forward_pe=None,
        relative_trailing_pe=None,
    )  # fmt: skip
    text = texts(report.relative_pe_chart(no_small))
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


def test_every_chart_is_drawn_in_the_reports_style(data):
    # a chart drawn outside report.STYLE has matplotlib's default title (not bold)
    for chart in [
        report.relative_strength_chart(data.rotation, "a vs b"),
        report.ytd_by_year_chart(data.rotation, "a vs b"),
        report.spread_episodes_chart(data.rotation, data.episodes, "a vs b"),
        report.relative_pe_chart(data.valuation),
        report.flows_chart(data.flows),
        report.macro_chart(data.macro),
        report.scorecard_ic_chart(data.ic_rolling),
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
