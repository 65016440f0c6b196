"""The house style of the report's charts: colours, matplotlib settings, the chart area with
its strip for provenance notes, the "no data" panel and the axis formats.

Every chart is drawn under ``STYLE`` (``@styled``) on the area ``figure()`` makes, so the PNGs
share one width, one font and one place for their notes.
"""

import functools
from collections.abc import Callable

import matplotlib
import matplotlib.dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

matplotlib.use("Agg")  # files only, never a display (charts use Figure, not pyplot)

SMALL, LARGE, NEUTRAL = "#1f6fb4", "#e07b1a", "#8a8a8a"  # small caps, large caps, neither
CONTINUED, REVERTED, INK = "#238b45", "#cb2f2f", "#222222"
STYLE = {
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": True,
    "legend.framealpha": 0.85,
    "legend.edgecolor": "#dddddd",
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
}
WIDTH, DPI = 11.0, 110  # inches and dots per inch: charts 1210 px wide
NOTES_HEIGHT = 0.3  # inches below each chart for its provenance notes
SYNTHETIC_NOTE = "SYNTHETIC sample data: not market history"
RECENT_YEARS = 5  # the window of the daily charts; YTD by year, P/E and macro show all history


def styled(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw under the report's matplotlib style (rcParams are read as artists are made)."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs) -> Figure:
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def figure(rows: int = 1, height: float = 4.6, ratios: list[float] | None = None, sharex=True):
    """A chart area ``height`` inches high over a strip for render()'s notes; and its axes.

    Charts draw on the returned subfigure (legends "outside" it stay clear of the notes) and
    return its root, ``get_figure(root=True)``.
    """
    root = Figure(figsize=(WIDTH, height + NOTES_HEIGHT), dpi=DPI, layout="constrained")
    chart, _notes = root.subfigures(2, 1, height_ratios=[height, NOTES_HEIGHT])
    axes = chart.subplots(rows, 1, sharex=sharex, squeeze=False, height_ratios=ratios)[:, 0]
    return chart, list(axes)


@styled
def no_data(title: str, reason: str) -> Figure:
    """A panel that says what is missing, in place of a chart."""
    chart, (ax,) = figure(height=1.8)
    ax.set_title(title)
    ax.axis("off")
    message = f"No data: {reason}"
    ax.text(0.5, 0.45, message, ha="center", va="center", fontsize=13, color="#666666")
    root = chart.get_figure(root=True)
    root.no_data = True  # read by rendering.charts()
    return root


def date_axis(ax) -> None:
    """Concise date ticks on the x axis, 5 to 12 of them."""
    locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def thousands_axis(ax) -> None:
    """The y axis's numbers with thousands separators and no decimals."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
