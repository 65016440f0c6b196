"""What the report's tests read back: the charts and signals the page must show, a drawn chart's
pixels, the scorecard's and the backtest's cells and a figure's texts and legends."""

import html
import io
import re

import numpy as np
from PIL import Image

CHARTS = [
    "relative_strength",
    "ytd_spread_by_year",
    "spread_10d_episodes",
    "relative_pe",
    "etf_flows",
    "macro",
    "scorecard_ic_rolling",
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


def backtest_cells(page: str) -> dict[tuple[str, int], dict[str, str]]:
    """(signal_name, signal_value) -> data-column -> data-value of the backtest's signal table."""
    table = re.search(r'<table class="numbers" id="backtest-signals".*?</table>', page, re.S)
    assert table, "the page has no backtest table"
    rows = re.findall(
        r'<tr data-signal="([^"]+)" data-signal-value="(-?\d+)">(.*?)</tr>', table.group(0), re.S
    )
    return {
        (signal, int(value)): {
            column: html.unescape(cell)
            for column, cell in re.findall(r'data-column="([^"]+)" data-value="([^"]*)"', row)
        }
        for signal, value, row in rows
    }


def texts(fig) -> str:
    """Every text written on the figure's axes, joined."""
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)


def legend_texts(fig) -> list[str]:
    """The labels of every legend of the figure and of its subfigures."""
    legends = [*fig.legends, *(lg for sub in fig.subfigs for lg in sub.legends)]
    return [t.get_text() for lg in legends for t in lg.get_texts()]
