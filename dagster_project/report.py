"""The rotation report: one self-contained HTML page and its PNG charts, from the marts.

``<warehouse dir>/report/index.html`` embeds every chart as a ``data:`` URI and styles itself
inline: it loads nothing else, so it opens offline, from a file or any static server, and can be
mailed as one file. The same charts are written beside it as ``<name>.png``.

The chart functions take pandas frames (one mart each, already read) and return a matplotlib
``Figure``; a frame without the rows a chart needs gives a "no data" panel, never an error.
``load`` reads the frames from the warehouse, ``build`` writes the folder; the Dagster asset and
the command line (``python -m dagster_project.report``) only call those two.

When the prices come from the ``sample`` source the page opens with a banner, and every PNG
carries a footnote, saying the figures are synthetic.
"""

import argparse
import base64
import functools
import html
import io
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import yaml
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from PIL import Image

from dagster_project.reference import PROJECT_ROOT
from dagster_project.resources import (
    DBT_PROJECT_DIR,
    RotationSettings,
    settings_from_env,
)
from dagster_project.summary import stale_warnings

matplotlib.use("Agg")  # files only, never a display (charts use Figure, not pyplot)

# the thresholds and windows the marts were built with (dbt vars), to draw and explain them
VARS = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
MARTS = [
    "fct_rotation_daily",
    "fct_rotation_episodes",
    "rpt_rotation_episode_summary",
    "fct_valuation_monthly",
    "fct_etf_flows_segment_daily",
    "fct_macro_daily",
    "rpt_rotation_scorecard",
]
RECENT_YEARS = 5  # the window of the daily charts; YTD by year, P/E and macro show all history
FORWARD_HORIZON = 63  # episode markers are coloured by the forward spread over this many days

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


# --------------------------------------------------------------------------------------------
# the data


@dataclass(frozen=True)
class Sides:
    """How a pair names its two legs (the pairs seed's small_label, large_label and their
    adjectives): small caps against large caps, or for rsp_spy equal weight against cap weight.
    The marts' codes ('small', 'small_cap_leadership') name the numerator leg whatever it is."""

    small: str = "small caps"
    large: str = "large caps"
    small_adjective: str = "small-cap"
    large_adjective: str = "large-cap"

    def regime(self, value: object) -> str:
        """A regime of fct_rotation_daily in the pair's words ('equal-weight leadership')."""
        adjective = {
            "small_cap_leadership": self.small_adjective,
            "large_cap_leadership": self.large_adjective,
        }.get(value)
        return f"{adjective} leadership" if adjective else _words(value)

    def side(self, side: object) -> str:
        """An episode side ('small' or 'large') in the pair's words."""
        return self.small if side == "small" else self.large


SIZE = Sides()  # the size pairs' names, and any pair the seed does not describe


def pair_sides(con: duckdb.DuckDBPyConnection) -> dict[str, Sides]:
    """Each pair's Sides, from the pairs seed."""
    rows = con.execute(
        "select pair_id, small_label, large_label, small_adjective, large_adjective"
        " from reference.pairs"
    ).fetchall()
    return {pair_id: Sides(*labels) for pair_id, *labels in rows}


@dataclass
class ReportData:
    """Everything the report shows, read from the marts (frames may be empty)."""

    pair_id: str
    pair_description: str
    small_name: str
    large_name: str
    sources: list[str]
    rotation: pd.DataFrame  # fct_rotation_daily of the headline pair
    episodes: pd.DataFrame  # fct_rotation_episodes of the headline pair
    episode_summary: pd.DataFrame  # rpt_rotation_episode_summary of the headline pair
    valuation: pd.DataFrame  # fct_valuation_monthly
    flows: pd.DataFrame  # fct_etf_flows_segment_daily
    macro: pd.DataFrame  # fct_macro_daily
    scorecard: pd.DataFrame  # rpt_rotation_scorecard, latest row first
    pairs_latest: pd.DataFrame = field(default_factory=pd.DataFrame)  # every pair's latest row
    stale: list[str] = field(default_factory=list)  # instruments whose prices end early
    sides: dict[str, Sides] = field(default_factory=dict)  # each pair's legs in words

    @property
    def pair_sides(self) -> Sides:
        """The headline pair's legs in words."""
        return self.sides.get(self.pair_id, SIZE)

    @property
    def synthetic(self) -> bool:
        """True when any price comes from the sample source (a simulated market)."""
        return "sample" in self.sources

    @property
    def as_of(self) -> date | None:
        dates = self.rotation.get("rotation_date", pd.Series(dtype="datetime64[ns]")).dropna()
        return dates.max().date() if len(dates) else None

    @property
    def pair_label(self) -> str:
        return f"{self.small_name} vs {self.large_name}"


def load(con: duckdb.DuckDBPyConnection, pair_id: str | None = None) -> ReportData:
    """Read the report's frames from the warehouse's marts (the scorecard's pair by default)."""

    def df(sql: str, *params: object) -> pd.DataFrame:
        return con.execute(sql, list(params)).df()

    scorecard = df(
        "select * from marts.rpt_rotation_scorecard order by scorecard_date desc limit 1"
    )
    pair_id = pair_id or (
        scorecard["pair_id"].iloc[0] if len(scorecard) else VARS["scorecard_pair"]
    )
    pair = df(
        "select p.description, s.name as small_name, l.name as large_name from reference.pairs p"
        " left join reference.instruments s on s.symbol = p.small_symbol"
        " left join reference.instruments l on l.symbol = p.large_symbol where p.pair_id = ?",
        pair_id,
    )
    described = len(pair) > 0
    return ReportData(
        pair_id=pair_id,
        pair_description=pair["description"].iloc[0] if described else pair_id,
        small_name=_short(pair["small_name"].iloc[0]) if described else "small caps",
        large_name=_short(pair["large_name"].iloc[0]) if described else "large caps",
        sources=[s for (s,) in con.execute("select distinct source from raw.prices").fetchall()],
        rotation=df(
            "select * from marts.fct_rotation_daily where pair_id = ? order by rotation_date",
            pair_id,
        ),
        episodes=df(
            "select * from marts.fct_rotation_episodes where pair_id = ? order by start_date",
            pair_id,
        ),
        episode_summary=df(
            "select * from marts.rpt_rotation_episode_summary where pair_id = ?"
            " order by side desc, horizon_days",
            pair_id,
        ),
        valuation=df("select * from marts.fct_valuation_monthly order by month_start"),
        flows=df("select * from marts.fct_etf_flows_segment_daily order by flow_date"),
        macro=df("select * from marts.fct_macro_daily order by trading_date"),
        scorecard=scorecard,
        pairs_latest=df(
            "select r.*, p.description from marts.fct_rotation_daily r"
            " left join reference.pairs p using (pair_id)"
            " qualify row_number() over (partition by r.pair_id order by r.rotation_date desc) = 1"
            " order by r.pair_id"
        ),
        stale=stale_warnings(con),
        sides=pair_sides(con),
    )


def _short(name: str | None) -> str:
    """'Russell 2000 Index' -> 'Russell 2000'; ETF names stay as they are."""
    if not isinstance(name, str) or not name:
        return "?"
    return name.removesuffix(" Index")


# --------------------------------------------------------------------------------------------
# chart helpers


def styled(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw under the report's matplotlib style (rcParams are read as artists are made)."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs) -> Figure:
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def _figure(rows: int = 1, height: float = 4.6, ratios: list[float] | None = None, sharex=True):
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
    chart, (ax,) = _figure(height=1.8)
    ax.set_title(title)
    ax.axis("off")
    message = f"No data: {reason}"
    ax.text(0.5, 0.45, message, ha="center", va="center", fontsize=13, color="#666666")
    root = chart.get_figure(root=True)
    root.no_data = True  # read by charts()
    return root


def _recent(frame: pd.DataFrame, column: str, years: int) -> pd.DataFrame:
    """The rows of the last ``years`` years before the frame's latest ``column`` date."""
    if frame.empty:
        return frame
    start = frame[column].max() - pd.DateOffset(years=years)
    return frame[frame[column] >= start]


def _dates(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _thousands(ax) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def _runs(dates: pd.Series, labels: pd.Series):
    """(label, start, end) of each stretch of equal labels; a stretch ends where the next starts."""
    missing = "\0"  # stands for a null label, which starts no stretch
    text = labels.astype(object).where(labels.notna(), missing).astype(str).to_numpy()
    frame = pd.DataFrame({"date": dates.to_numpy(), "label": text})
    group = frame["label"].ne(frame["label"].shift()).cumsum()
    runs = frame.groupby(group).agg(label=("label", "first"), start=("date", "first"))
    runs["end"] = runs["start"].shift(-1).fillna(frame["date"].iloc[-1])
    for run in runs.itertuples():
        if run.label != missing:
            yield run.label, run.start, run.end


def _numeric(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The frame with ``columns`` as floats (nullable ints and NA become float and NaN)."""
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def _known_span(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The rows from the first to the last where one of ``columns`` is known (frame in date
    order). Empty rows between them stay, so a line breaks across a gap instead of joining it.
    """
    known = frame[list(columns)].notna().any(axis=1).to_numpy()
    if not known.any():
        return frame.iloc[0:0]
    first, last = known.argmax(), len(known) - known[::-1].argmax()
    return frame.iloc[first:last]


def _has(frame: pd.DataFrame, *columns: str) -> bool:
    """True when the frame has every column and at least one row where one of them is known."""
    if frame.empty or not set(columns) <= set(frame.columns):
        return False
    return bool(frame[list(columns)].notna().any(axis=None))


# --------------------------------------------------------------------------------------------
# the charts: each takes frames and returns a Figure


@styled
def relative_strength_chart(
    rotation: pd.DataFrame, pair_label: str, years: int = 5, sides: Sides = SIZE
) -> Figure:
    """Relative strength with its 50- and 200-day averages, regimes shaded, last ``years``."""
    title = f"Relative strength: {pair_label}"
    if not _has(rotation, "ratio"):
        return no_data(title, "no rotation rows for this pair")
    base = rotation["rotation_date"].min()
    rows = _numeric(
        _recent(rotation.sort_values("rotation_date"), "rotation_date", years),
        "ratio",
        "ratio_ma_50",
        "ratio_ma_200",
    )
    fig, (ax,) = _figure(height=4.8)
    shades = {"small_cap_leadership": SMALL, "large_cap_leadership": LARGE}
    for label, start, end in _runs(rows["rotation_date"], rows["regime"]):
        if label in shades:
            ax.axvspan(start, end, color=shades[label], alpha=0.12, linewidth=0)
    x = rows["rotation_date"]
    ax.plot(x, rows["ratio"], color=INK, linewidth=1.2, label="relative strength")
    ax.plot(x, rows["ratio_ma_50"], color="#6a51a3", linewidth=1.0, label="50-day average")
    ax.plot(
        x,
        rows["ratio_ma_200"],
        color="#555555",
        linewidth=1.4,
        linestyle="--",
        label="200-day average",
    )
    last = rows.iloc[-1]
    ax.annotate(
        f"{last['ratio']:.1f}",
        (last["rotation_date"], last["ratio"]),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
    )
    ax.set_title(f"{title} (rising = {sides.small} outperforming), last {years} years")
    ax.set_ylabel(f"relative strength, index (100 = {base:%d %b %Y})")
    handles, _ = ax.get_legend_handles_labels()
    handles += [
        Patch(color=SMALL, alpha=0.25, label=sides.regime("small_cap_leadership")),
        Patch(color=LARGE, alpha=0.25, label=sides.regime("large_cap_leadership")),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=5)
    ax.margins(x=0.01)
    _dates(ax)
    return fig.get_figure(root=True)


def _missing_pe(valuation: pd.DataFrame) -> str:
    """Why there is no relative P/E: which index has no P/E (only the indexes' are read)."""
    legs = [("small", "small-cap"), ("large", "large-cap")]
    missing = []
    for leg, label in legs:
        symbols = valuation.get(f"{leg}_symbol", pd.Series(dtype=str)).dropna()
        known = [c for c in (f"{leg}_forward_pe", f"{leg}_trailing_pe") if _has(valuation, c)]
        if not known:
            missing.append(f"{label} index{f' {symbols.iloc[0]}' if len(symbols) else ''}")
    if not missing:  # both legs have P/Es, never in the same month
        return "the small- and large-cap indexes' P/Es never cover the same month"
    return (
        f"no P/E loaded for the {' nor the '.join(missing)}"
        " (the indexes' P/Es are read, not their ETFs')"
    )


@styled
def ytd_by_year_chart(rotation: pd.DataFrame, pair_label: str, sides: Sides = SIZE) -> Figure:
    """The YTD spread at each year's last trading day, every year; the current year to date."""
    title = f"Year-to-date spread by year: {pair_label}"
    if not _has(rotation, "spread_ytd_bps"):
        return no_data(title, "no year-to-date spread for this pair")
    rows = _numeric(rotation.dropna(subset=["spread_ytd_bps"]), "spread_ytd_bps")
    rows = rows.sort_values("rotation_date")
    years = rows.groupby(rows["rotation_date"].dt.year).last()
    last_day = years["rotation_date"].iloc[-1]
    partial = not (last_day.month == 12 and last_day.day >= 29)
    fig, (ax,) = _figure(height=4.6)
    values = years["spread_ytd_bps"]
    colours = [SMALL if v >= 0 else LARGE for v in values]
    bars = ax.bar(years.index, values, color=colours, width=0.75)
    if partial:
        bars[-1].set_hatch("////")
        bars[-1].set_edgecolor("white")
    ax.axhline(0, color=INK, linewidth=0.8)
    ax.set_xticks(years.index)
    ax.set_xticklabels([str(y) for y in years.index], rotation=90, fontsize=8.5)
    ax.grid(axis="x", visible=False)
    ax.set_title(f"{title} ({sides.small} minus {sides.large}, at each year's last trading day)")
    ax.set_ylabel("YTD spread, bps")
    _thousands(ax)
    right = ax.secondary_yaxis("right", functions=(lambda v: v / 100, lambda v: v * 100))
    right.set_ylabel("percentage points")
    fig.legend(
        handles=[
            Patch(color=SMALL, label=f"{sides.small} led"),
            Patch(color=LARGE, label=f"{sides.large} led"),
        ]
        + (
            [
                Patch(
                    facecolor=NEUTRAL,
                    edgecolor="white",
                    hatch="////",
                    label=f"{years.index[-1]} to {last_day:%d %b}: {values.iloc[-1]:+,.0f} bps",
                )
            ]
            if partial
            else []
        ),
        loc="outside lower center",
        ncols=3,
    )
    return fig.get_figure(root=True)


def _outcome(episodes: pd.DataFrame, horizon: int) -> pd.Series:
    """'continued' / 'reverted' / 'pending' after ``horizon`` days, per episode."""
    continued = episodes[f"lead_continued_{horizon}d"].astype("boolean")
    return pd.Series(
        np.where(
            continued.isna(), "pending", np.where(continued.fillna(False), "continued", "reverted")
        ),
        index=episodes.index,
    )


OUTCOME_STYLE = {
    "continued": {"facecolor": CONTINUED, "edgecolor": CONTINUED},
    "reverted": {"facecolor": REVERTED, "edgecolor": REVERTED},
    "pending": {"facecolor": "white", "edgecolor": "#555555"},
}


@styled
def spread_episodes_chart(
    rotation: pd.DataFrame,
    episodes: pd.DataFrame,
    pair_label: str,
    years: int = 5,
    horizon: int = FORWARD_HORIZON,
    threshold_bps: float = VARS["episode_threshold_bps"],
    sides: Sides = SIZE,
) -> Figure:
    """The 10-day spread with episode starts, coloured by what the spread did next."""
    title = f"10-day spread and rotation episodes: {pair_label}"
    if not _has(rotation, "spread_10d_bps"):
        return no_data(title, "no 10-day spread for this pair")
    rows = _numeric(_recent(rotation, "rotation_date", years), "spread_10d_bps")
    start = rows["rotation_date"].min()
    has_episodes = _has(episodes, "start_date")
    fig, axes = _figure(
        rows=2 if has_episodes else 1,
        height=7.8 if has_episodes else 4.8,
        ratios=[1.6, 1] if has_episodes else None,
        sharex=False,  # the lower panel spans all history
    )
    ax = axes[0]
    ax.plot(
        rows["rotation_date"],
        rows["spread_10d_bps"],
        color="#444444",
        linewidth=0.8,
        label="10-day spread (small minus large)",
    )
    for level in (threshold_bps, -threshold_bps):
        ax.axhline(level, color=NEUTRAL, linewidth=0.9, linestyle="--")
    ax.axhline(0, color=INK, linewidth=0.6)
    ax.text(
        1.0,
        threshold_bps,
        f" +{threshold_bps:,.0f}",
        transform=ax.get_yaxis_transform(),
        va="center",
        fontsize=8,
        color="#555555",
    )
    ax.text(
        1.0,
        -threshold_bps,
        f" -{threshold_bps:,.0f}",
        transform=ax.get_yaxis_transform(),
        va="center",
        fontsize=8,
        color="#555555",
    )
    ax.set_title(f"{title}, last {years} years")
    ax.set_ylabel("10-day spread, bps")
    _thousands(ax)
    markers = {"small": "^", "large": "v"}
    if has_episodes:
        eps = _numeric(episodes, "start_spread_10d_bps", f"fwd_spread_{horizon}d_bps")
        eps["outcome"] = _outcome(eps, horizon)
        recent = eps[eps["start_date"] >= start]
        for (side, outcome), group in recent.groupby(["side", "outcome"]):
            ax.scatter(
                group["start_date"],
                group["start_spread_10d_bps"],
                marker=markers[side],
                s=60,
                zorder=3,
                linewidths=1.2,
                **OUTCOME_STYLE[outcome],
            )
        low = axes[1]
        for (side, outcome), group in eps.groupby(["side", "outcome"]):
            known = group.dropna(subset=[f"fwd_spread_{horizon}d_bps"])
            low.scatter(
                known["start_date"],
                known[f"fwd_spread_{horizon}d_bps"],
                marker=markers[side],
                s=36,
                zorder=3,
                linewidths=1.0,
                **OUTCOME_STYLE[outcome],
            )
        low.axhline(0, color=INK, linewidth=0.6)
        end = rows["rotation_date"].max()
        low.axvspan(start, end, color="#eeeeee", zorder=0, linewidth=0)
        first = min(rotation["rotation_date"].min(), eps["start_date"].min())
        low.set_xlim(first - pd.Timedelta(days=90), end + pd.Timedelta(days=90))
        low.set_title(
            f"What followed each episode since {eps['start_date'].min():%Y}: the spread over the"
            f" next {horizon} trading days (shaded: the window above)",
            fontsize=10,
        )
        low.set_ylabel(f"{horizon}-day forward spread, bps")
        _thousands(low)
        _dates(low)
    _dates(ax)
    legend = [
        Line2D([], [], color="#444444", linewidth=0.8, label="10-day spread"),
        Line2D(
            [],
            [],
            color=NEUTRAL,
            linestyle="--",
            label=f"episode threshold +/-{threshold_bps:,.0f}",
        ),
        Line2D(
            [],
            [],
            marker="^",
            linestyle="",
            color="#555555",
            label=f"{sides.small_adjective} episode start",
        ),
        Line2D(
            [],
            [],
            marker="v",
            linestyle="",
            color="#555555",
            label=f"{sides.large_adjective} episode start",
        ),
        Patch(color=CONTINUED, label=f"lead continued over {horizon} days"),
        Patch(color=REVERTED, label="lead reverted"),
        Patch(facecolor="white", edgecolor="#555555", label=f"{horizon} days not yet passed"),
    ]
    fig.legend(handles=legend, loc="outside lower center", ncols=4)
    ax.margins(x=0.01)
    return fig.get_figure(root=True)


@styled
def relative_pe_chart(
    valuation: pd.DataFrame,
    lookback_years: int = VARS["valuation_lookback_years"],
    band: tuple[float, float] = (0.10, 0.90),
) -> Figure:
    """Relative P/E (small / large) each month with the 10th-90th percentile of the lookback."""
    title = "Relative P/E: small caps / large caps"
    metric = next(
        (c for c in ("relative_forward_pe", "relative_trailing_pe") if _has(valuation, c)), None
    )
    if metric is None:
        return no_data(title, _missing_pe(valuation))
    rows = _numeric(valuation, "relative_forward_pe", "relative_trailing_pe")
    rows = rows.dropna(subset=[metric]).sort_values("month_start")
    kind = "forward" if metric == "relative_forward_pe" else "trailing"
    last = rows.iloc[-1]
    window = rows[rows["month_start"] > last["month_start"] - pd.DateOffset(years=lookback_years)]
    low, mid, high = window[metric].quantile([band[0], 0.5, band[1]])
    fig, (ax,) = _figure(height=4.8)
    x0, x1 = window["month_start"].min(), last["month_start"]
    ax.fill_between(
        [x0, x1],
        low,
        high,
        color=SMALL,
        alpha=0.12,
        linewidth=0,
        label=f"{_ordinal(band[0])}-{_ordinal(band[1])} percentile, last {lookback_years} years",
    )
    ax.plot(
        [x0, x1],
        [mid, mid],
        color=SMALL,
        linewidth=0.9,
        linestyle="--",
        label=f"median, last {lookback_years} years",
    )
    ax.plot(
        rows["month_start"], rows[metric], color=INK, linewidth=1.3, label=f"relative {kind} P/E"
    )
    if kind == "forward" and rows["relative_trailing_pe"].notna().any():
        ax.plot(
            rows["month_start"],
            rows["relative_trailing_pe"],
            color=NEUTRAL,
            linewidth=0.9,
            label="relative trailing P/E",
        )
    ax.axhline(1.0, color="#999999", linewidth=0.6)
    # the mart's percentile of this month in its window (the band is drawn from the same window)
    mart_percentile = (
        "discount_percentile_frac" if kind == "forward" else "trailing_discount_percentile_frac"
    )
    percentile = last.get(mart_percentile)
    if percentile is None or pd.isna(percentile):
        percentile = (window[metric] <= last[metric]).mean()
    ax.scatter([x1], [last[metric]], color=REVERTED, zorder=4, s=30)
    ax.annotate(
        f"{x1:%b %Y}: {last[metric]:.2f}x ({(last[metric] - 1) * 100:+.0f}%),\n"
        f"{_ordinal(percentile)} percentile of {len(window)} months",
        (x1, last[metric]),
        xytext=(-14, 40),
        textcoords="offset points",
        ha="right",
        va="bottom",
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#cccccc"},
        fontsize=9,
        arrowprops={"arrowstyle": "-", "color": "#777777"},
    )
    ax.set_title(f"{title}, monthly (below 1 = small caps cheaper)")
    ax.set_ylabel(f"small / large {kind} P/E, x")
    right = ax.secondary_yaxis("right", functions=(lambda v: (v - 1) * 100, lambda v: v / 100 + 1))
    right.set_ylabel("small-cap premium (+) / discount (-), %")
    fig.legend(loc="outside lower center", ncols=4)
    ax.margins(x=0.01)
    _dates(ax)
    return fig.get_figure(root=True)


@styled
def flows_chart(flows: pd.DataFrame, years: int = 5) -> Figure:
    """21-day ETF flows of small-cap and large-cap ETFs, and their difference for size."""
    title = "ETF flows by segment (21-day sums)"
    columns = ["small_flow_21d_usd", "large_flow_21d_usd", "small_minus_large_flow_21d_pp"]
    if not _has(flows, *columns):
        return no_data(title, "no ETF share history (flows need shares outstanding and NAV)")
    rows = _numeric(_recent(_known_span(flows, *columns), "flow_date", years), *columns)
    x = rows["flow_date"]
    fig, (top, low) = _figure(rows=2, height=6.4, ratios=[1.3, 1])
    top.plot(
        x, rows["small_flow_21d_usd"] / 1e9, color=SMALL, linewidth=1.0, label="small-cap ETFs"
    )
    top.plot(
        x, rows["large_flow_21d_usd"] / 1e9, color=LARGE, linewidth=1.0, label="large-cap ETFs"
    )
    top.axhline(0, color=INK, linewidth=0.6)
    top.set_title(f"{title}, last {years} years: flow = change in shares outstanding x NAV")
    top.set_ylabel("21-day net flow, USD bn")
    top.legend(loc="best", ncols=2)
    diff = rows["small_minus_large_flow_21d_pp"]
    low.fill_between(
        x,
        diff,
        0,
        where=diff >= 0,
        color=SMALL,
        alpha=0.6,
        linewidth=0,
        label="more into small caps, for their size",
    )
    low.fill_between(
        x,
        diff,
        0,
        where=diff < 0,
        color=LARGE,
        alpha=0.6,
        linewidth=0,
        label="more into large caps, for their size",
    )
    low.axhline(0, color=INK, linewidth=0.6)
    low.set_ylabel("small minus large, pp of assets")
    low.legend(loc="best", ncols=2)
    low.margins(x=0.01)
    _dates(low)
    return fig.get_figure(root=True)


@styled
def macro_chart(macro: pd.DataFrame, sahm_trigger: float = VARS["sahm_trigger_pp"]) -> Figure:
    """Fed target range, unemployment, the Sahm indicator and the 2s10s slope, all history."""
    title = "Macro backdrop"
    columns = [
        "fed_target_lower_pct",
        "fed_target_upper_pct",
        "dff_pct",
        "unrate_pct",
        "sahm_indicator_pp",
        "slope_2s10s_bps",
    ]
    if not _has(macro, *columns):
        return no_data(title, "no macro series loaded")
    rows = _numeric(_known_span(macro, *columns), *columns)
    x = rows["trading_date"]
    fig, (fed, unrate, sahm, curve) = _figure(rows=4, height=10.0, ratios=[1.2, 1, 1, 1])
    triggered = rows.get("sahm_triggered", pd.Series(dtype="boolean")).astype("boolean")
    for label, start, end in _runs(x, triggered):
        if label == "True":
            for ax in (unrate, sahm):
                ax.axvspan(start, end, color=REVERTED, alpha=0.12, linewidth=0)
    fed.fill_between(
        x,
        rows["fed_target_lower_pct"],
        rows["fed_target_upper_pct"],
        step="post",
        color=SMALL,
        alpha=0.35,
        linewidth=0,
        label="Fed target range (a single target before Dec 2008)",
    )
    # a range whose lower bound's series (DFEDTARL) is not loaded has no band: say so
    upper_only = rows["fed_target_upper_pct"].notna() & rows["fed_target_lower_pct"].isna()
    fed.step(
        x,
        rows["fed_target_upper_pct"],
        where="post",
        color=SMALL,
        linewidth=0.8 if not upper_only.any() else 1.4,
        label=(
            f"upper bound only from {x[upper_only].min():%b %Y} (the lower bound's series,"
            " DFEDTARL, is not loaded)"
            if upper_only.any()
            else None
        ),
    )
    fed.step(x, rows["fed_target_lower_pct"], where="post", color=SMALL, linewidth=0.8)
    fed.plot(
        x, rows["dff_pct"], color=INK, linewidth=0.6, alpha=0.7, label="effective fed funds rate"
    )
    fed.set_title(f"{title}: policy rate, labour market and yield curve, since {x.min():%Y}")
    fed.set_ylabel("rate, %")
    fed.legend(loc="best")
    unrate.plot(x, rows["unrate_pct"], color=INK, linewidth=1.1, label="unemployment rate")
    unrate.set_ylabel("unemployment, %")
    unrate.legend(
        handles=[
            Line2D([], [], color=INK, label="unemployment rate (latest published month)"),
            Patch(color=REVERTED, alpha=0.25, label="Sahm rule triggered"),
        ],
        loc="best",
    )
    sahm.plot(x, rows["sahm_indicator_pp"], color="#6a51a3", linewidth=1.1, label="Sahm indicator")
    sahm.axhline(
        sahm_trigger,
        color=REVERTED,
        linestyle="--",
        linewidth=1.0,
        label=f"trigger {sahm_trigger:.2f} pp",
    )
    sahm.axhline(0, color=INK, linewidth=0.5)
    sahm.set_ylabel("Sahm indicator, pp")
    sahm.legend(loc="best")
    slope = rows["slope_2s10s_bps"]
    curve.plot(x, slope, color=INK, linewidth=0.8, label="2s10s (10-year minus 2-year yield)")
    curve.fill_between(
        x, slope, 0, where=slope < 0, color=REVERTED, alpha=0.35, linewidth=0, label="inverted"
    )
    curve.axhline(0, color=INK, linewidth=0.8)
    curve.set_ylabel("2s10s, bps")
    _thousands(curve)
    curve.legend(loc="best")
    curve.margins(x=0.01)
    _dates(curve)
    return fig.get_figure(root=True)


# --------------------------------------------------------------------------------------------
# rendering


def render(fig: Figure, synthetic: bool, as_of: date | None) -> bytes:
    """The figure as PNG bytes, with the data's provenance in the strip below the chart."""
    notes = fig.subfigs[1] if fig.subfigs else fig
    if synthetic:
        notes.text(0.006, 0.35, SYNTHETIC_NOTE, fontsize=9, color=REVERTED, weight="bold")
    if as_of:
        source = f"Rotation warehouse marts, as of {as_of:%d %b %Y}"
        notes.text(0.994, 0.35, source, fontsize=8, color="#777777", ha="right")
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", dpi=DPI, facecolor="white")
    # 256 colours hold a chart without visible loss, at a third of the bytes (page and README)
    image = Image.open(drawn).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass
class Chart:
    name: str  # the PNG's file name without .png
    title: str
    caption: str
    png: bytes
    has_data: bool


def charts(data: ReportData) -> list[Chart]:
    """Every chart of the report, rendered; a chart without its data is a "no data" panel."""
    label, sides = data.pair_label, data.pair_sides
    specs: list[tuple[str, str, str, Callable[[], Figure]]] = [
        (
            "relative_strength",
            "Relative strength and regimes",
            f"{data.small_name} divided by {data.large_name} ({data.pair_description}), rebased "
            "to 100 on the pair's first common day, with its 50- and 200-day moving averages. "
            f"Shading: {sides.regime('small_cap_leadership')} (relative strength above its "
            "200-day average and the 50-day above the 200-day) or "
            f"{sides.regime('large_cap_leadership')} (both below).",
            lambda: relative_strength_chart(data.rotation, label, RECENT_YEARS, sides),
        ),
        (
            "ytd_spread_by_year",
            "Year-to-date spread by year",
            f"{data.small_name} minus {data.large_name} year-to-date return at each year's last "
            "trading day, in basis points (100 bps = 1 percentage point); the current year to "
            "date is hatched. A year without a full prior-year close has no bar.",
            lambda: ytd_by_year_chart(data.rotation, label, sides),
        ),
        (
            "spread_10d_episodes",
            "10-day spread and rotation episodes",
            f"The 10-day return spread, {sides.small} minus {sides.large}. An episode starts the"
            f" day the spread first reaches +{VARS['episode_threshold_bps']} bps ({sides.small},"
            f" up triangle) or -{VARS['episode_threshold_bps']} bps ({sides.large}, down"
            " triangle), at least "
            f"{VARS['episode_min_gap_days']} trading days after the previous one on that side. "
            f"Colour: whether the leading side kept leading over the next {FORWARD_HORIZON} "
            "trading days. The lower panel shows that forward spread for every episode.",
            lambda: spread_episodes_chart(
                data.rotation, data.episodes, label, RECENT_YEARS, sides=sides
            ),
        ),
        (
            "relative_pe",
            "Relative P/E and its percentile band",
            "Small-cap forward P/E divided by large-cap forward P/E at each month's last "
            "observation (trailing P/E in grey). The band holds the middle 80% (10th to 90th "
            f"percentile) of the last {VARS['valuation_lookback_years']} years' months.",
            lambda: relative_pe_chart(data.valuation),
        ),
        (
            "etf_flows",
            "ETF flows by segment",
            "Net creations minus redemptions of small-cap and large-cap ETFs, summed over 21 "
            "trading days: the daily flow is the change in shares outstanding times that day's "
            "NAV, in USD billions. Below, the same flows as a percent of each segment's assets, "
            "small minus large: the large-cap ETFs are several times the small-caps' size, so "
            "this, not the difference in dollars, tells which way money rotates (the scorecard's "
            "flows signal). A gap in an ETF's share history leaves a gap here.",
            lambda: flows_chart(data.flows, RECENT_YEARS),
        ),
        (
            "macro",
            "Fed range, unemployment, Sahm indicator and 2s10s",
            "Each series as it was known on each trading day: each value from the day it was "
            "published (its vintage, or its release date where the source has no vintages), "
            "first prints until their revisions were out. The Sahm indicator is the 3-month "
            "average unemployment rate minus its minimum of the "
            f"prior 12 months; it triggers at {VARS['sahm_trigger_pp']:.2f} pp (shaded red).",
            lambda: macro_chart(data.macro),
        ),
    ]
    out = []
    for name, title, caption, draw in specs:
        fig = draw()
        has_data = not getattr(fig, "no_data", False)
        out.append(Chart(name, title, caption, render(fig, data.synthetic, data.as_of), has_data))
    return out


# --------------------------------------------------------------------------------------------
# the page


def _num(value: object, fmt: str, suffix: str = "") -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return f"{format(value, fmt)}{suffix}"


def _signal(value: object) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return f"{int(value):+d}" if int(value) else "0"


def _raw(value: object) -> str:
    """A cell's value as the mart holds it, for the data-value attribute (tests read it)."""
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, pd.Timestamp | datetime | date):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)


def _cell(column: str, value: object, text: str) -> str:
    return (
        f'<span data-column="{column}" data-value="{html.escape(_raw(value))}">'
        f"{html.escape(text)}</span>"
    )


def _words(value: object) -> str:
    """A mart label in words: 'large_cap_leadership' -> 'large-cap leadership'."""
    if value is None or pd.isna(value):
        return "n/a"
    return str(value).replace("_cap_", "-cap ").replace("_", " ")


def _side_label(row: pd.Series, sides: Sides) -> str:
    """An episode summary row's side in words: the mart's side_label (from the pairs seed)."""
    label = row.get("side_label")
    return sides.side(row["side"]) if label is None or pd.isna(label) else str(label)


def _triggered(value: object) -> str:
    if value is None or pd.isna(value):
        return "trigger unknown"
    return "triggered" if value else "not triggered"


def scorecard_table(scorecard: pd.DataFrame, sides: dict[str, Sides] | None = None) -> str:
    """The latest scorecard row as a table: each signal, its evidence and its rule."""
    if scorecard.empty:
        return '<p class="nodata" id="scorecard">No data: the scorecard mart is empty.</p>'
    row = scorecard.iloc[0]
    pair = (sides or {}).get(row["pair_id"], SIZE)
    valuation_month = row["valuation_month"]
    month = f"{valuation_month:%b %Y}" if not pd.isna(valuation_month) else "n/a"
    cheap, rich = VARS["scorecard_cheap_percentile"], VARS["scorecard_rich_percentile"]

    def shown(column: str, fmt: str, suffix: str = "", scale: float = 1.0) -> str:
        value = row[column]
        number = None if pd.isna(value) else value / scale
        return _cell(column, value, _num(number, fmt, suffix))

    def named(column: str) -> str:
        return _cell(column, row[column], _words(row[column]))

    # a day a leg of the pair has no price keeps its row: the mart says why momentum is unknown
    reason = row.get("momentum_missing_reason")
    unknown = (
        "" if pd.isna(reason) else f"; unknown: {_cell('momentum_missing_reason', reason, reason)}"
    )
    regime = _cell("regime", row["regime"], pair.regime(row["regime"]))

    lines = [
        (
            "momentum_signal",
            "Momentum",
            f"regime: {regime}; 63-day spread {shown('spread_63d_bps', '+,.0f', ' bps')};"
            f" YTD spread {shown('spread_ytd_bps', '+,.0f', ' bps')}{unknown}",
            f"{pair.regime('small_cap_leadership')} +1,"
            f" {pair.regime('large_cap_leadership')} -1, neutral 0",
        ),
        (
            "valuation_signal",
            "Valuation",
            f"relative forward P/E {shown('relative_forward_pe', '.2f', 'x')}, percentile "
            f"{shown('discount_percentile_frac', '.0%')} of {VARS['valuation_lookback_years']}"
            f" years ({_cell('valuation_month', valuation_month, month)})",
            f"percentile at or below {cheap:.0%} +1 (cheap), at or above {rich:.0%} -1 (rich)",
        ),
        (
            "flows_signal",
            "Fund flows",
            "21-day ETF flows as % of assets, small minus large "
            + shown("small_minus_large_flow_21d_pp", "+,.2f", " pp")
            + " (in USD "
            + shown("small_minus_large_flow_21d_usd", "+,.1f", " bn", scale=1e9)
            + ")",
            "the sign of the flows for size: more money into small-cap ETFs for their size +1",
        ),
        (
            "rates_signal",
            "Rates",
            f"Fed cycle {named('fed_cycle_phase')}",
            "cutting +1, holding 0, hiking -1",
        ),
        (
            "labour_market_risk_signal",
            "Labour market",
            f"Sahm indicator {shown('sahm_indicator_pp', '.2f', ' pp')}, "
            + _cell("sahm_triggered", row["sahm_triggered"], _triggered(row["sahm_triggered"])),
            f"Sahm rule triggered (at least {VARS['sahm_trigger_pp']:.2f} pp) -1, otherwise 0",
        ),
        (
            "inflation_risk_signal",
            "Inflation",
            f"core CPI {shown('core_cpi_yoy_pct', '.1f', '% year over year')}",
            f"above {VARS['scorecard_core_cpi_high_pct']}% -1, below "
            f"{VARS['scorecard_core_cpi_low_pct']}% +1, otherwise 0",
        ),
        (
            "breadth_signal",
            "Breadth",
            f"{shown('breadth_above_ma_200_frac', '.0%')} of {named('breadth_fund')} members above"
            " their 200-day average; median member vs index over 63 days "
            + shown("breadth_participation_63d_bps", "+,.0f", " bps"),
            f"at least {VARS['scorecard_breadth_broad_frac']:.0%} above and median not lagging +1;"
            f" at most {VARS['scorecard_breadth_narrow_frac']:.0%} above or lagging by"
            f" {VARS['scorecard_breadth_lag_bps']} bps -1, otherwise 0",
        ),
    ]
    body = []
    for column, name, evidence, rule in lines:
        value = row[column]
        tone = "" if pd.isna(value) or not int(value) else ("pos" if int(value) > 0 else "neg")
        body.append(
            f'<tr><th scope="row">{name}</th><td class="signal {tone}">'
            f"{_cell(column, value, _signal(value))}</td><td>{evidence}</td>"
            f'<td class="rule">{html.escape(rule)}</td></tr>'
        )
    threshold = VARS["scorecard_composite_threshold"]
    score = row["composite_score"]
    tone = "pos" if score >= threshold else ("neg" if score <= -threshold else "")
    body.append(
        f'<tr class="composite"><th scope="row">Composite</th><td class="signal {tone}">'
        f"{_cell('composite_score', score, _signal(score))}</td><td>"
        f"{_cell('composite_label', row['composite_label'], _words(row['composite_label']))}"
        f" ({_cell('signals_available', row['signals_available'], str(row['signals_available']))}"
        f' of {len(lines)} signals known)</td><td class="rule">sum of the signals; at least'
        f" +{threshold} supports small caps, at most -{threshold} large caps</td></tr>"
    )
    day = _cell("scorecard_date", row["scorecard_date"], f"{row['scorecard_date']:%d %b %Y}")
    return (
        f'<table id="scorecard" data-pair="{html.escape(str(row["pair_id"]))}">'
        f"<caption>Scorecard of {day}"
        " (+1 supports small caps, -1 supports large caps)</caption>"
        "<thead><tr><th>signal</th><th>reading</th><th>evidence that day</th><th>rule</th></tr>"
        f"</thead><tbody>{''.join(body)}</tbody></table>"
    )


def episode_table(summary: pd.DataFrame, sides: Sides = SIZE) -> str:
    """Hit rates and median forward spreads of the pair's episodes, per side and horizon; each
    side named as the mart names it (side_label: 'small caps', 'equal weight')."""
    if summary.empty:
        return '<p class="nodata">No data: no episodes for this pair.</p>'
    longest = summary[summary["horizon_days"] == summary["horizon_days"].max()]
    widest = longest.loc[longest["completed_episode_count"].idxmax()]
    rows = []
    for _, r in summary.iterrows():
        rows.append(
            f"<tr><td>{html.escape(_side_label(r, sides))}"
            f" ({'+' if r['side'] == 'small' else '-'})</td>"
            f"<td>{int(r['horizon_days'])} days</td><td>{int(r['episode_count'])}</td>"
            f"<td>{int(r['completed_episode_count'])}</td>"
            f"<td>{_num(r['hit_rate_frac'], '.0%')}</td>"
            f"<td>{_num(r['median_fwd_spread_bps'], '+,.0f', ' bps')}</td></tr>"
        )
    return (
        '<table class="numbers" id="episodes"><caption>How often the leading side kept leading'
        " after an episode start</caption><thead><tr><th>episodes of</th><th>horizon</th>"
        "<th>episodes</th><th>completed</th><th>lead continued</th>"
        f"<th>median forward spread ({sides.small} minus {sides.large})</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        '<p class="note">Episodes may start 21 trading days apart, so the forward windows of the'
        f" longer horizons overlap: a {int(widest['horizon_days'])}-day hit rate over"
        f" {int(widest['completed_episode_count'])} episodes rests on far fewer"
        f" independent stretches of history. The forward spread is {sides.small} minus"
        f" {sides.large} for both sides: after a {sides.large_adjective} episode, a negative one"
        f" means the {sides.large} kept leading.</p>"
    )


def pairs_table(latest: pd.DataFrame, sides: dict[str, Sides] | None = None) -> str:
    """The latest figures of every pair, each regime in its pair's words."""
    if latest.empty:
        return '<p class="nodata">No data: no rotation rows.</p>'
    rows = []
    for _, r in latest.iterrows():
        pair = (sides or {}).get(r["pair_id"], SIZE)
        rows.append(
            f"<tr><td><b>{html.escape(r['pair_id'])}</b><br><small>"
            f"{html.escape(str(r.get('description') or ''))}</small></td>"
            f"<td>{r['rotation_date']:%Y-%m-%d}</td><td>{pair.regime(r['regime'])}</td>"
            f"<td>{_num(r['spread_10d_bps'], '+,.0f')}</td>"
            f"<td>{_num(r['spread_10d_zscore'], '+.2f')}</td>"
            f"<td>{_num(r['spread_63d_bps'], '+,.0f')}</td>"
            f"<td>{_num(r['spread_252d_bps'], '+,.0f')}</td>"
            f"<td>{_num(r['spread_ytd_bps'], '+,.0f')}</td></tr>"
        )
    return (
        '<table class="numbers" id="pairs"><caption>Latest figures of every pair (spreads: the'
        " first leg minus the second, bps)</caption><thead><tr><th>pair</th><th>date</th>"
        "<th>regime</th>"
        "<th>10-day</th><th>10-day z-score</th><th>63-day</th><th>252-day</th><th>YTD</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def headline(data: ReportData) -> str:
    """The latest figures of the headline pair, in plain words."""
    rotation = data.rotation
    if not _has(rotation, "spread_10d_bps"):
        return "<p>No rotation figures yet: the warehouse has no rows for this pair.</p>"
    last = rotation.sort_values("rotation_date").iloc[-1]
    small, large = data.small_name, data.large_name
    sentences = []
    ytd = last["spread_ytd_bps"]
    if not pd.isna(ytd):
        verb = "led" if ytd >= 0 else "trailed"
        sentences.append(
            f"Year to date, the {small} has {verb} the {large} by "
            f"<b>{abs(ytd) / 100:.1f} percentage points</b> ({ytd:+,.0f} bps)."
        )
    spread = last["spread_10d_bps"]
    if not pd.isna(spread):
        history = pd.to_numeric(rotation["spread_10d_bps"], errors="coerce").dropna()
        percentile = (history <= spread).mean()
        z = last["spread_10d_zscore"]
        since = rotation["rotation_date"].min()
        unusual = (
            f" and {z:+.1f} standard deviations from its 3-year mean" if not pd.isna(z) else ""
        )
        sentences.append(
            f"Over the last 10 trading days the spread is <b>{spread:+,.0f} bps</b>: the "
            f"<b>{_ordinal(percentile)} percentile</b> of all 10-day spreads since {since:%Y}"
            f"{unusual}."
        )
    regime = last["regime"]
    if not pd.isna(regime):
        sentences.append(f"The trend regime is <b>{data.pair_sides.regime(regime)}</b>.")
    valuation = data.valuation
    if _has(valuation, "relative_forward_pe"):
        v = valuation.dropna(subset=["relative_forward_pe"]).sort_values("month_start").iloc[-1]
        sentences.append(
            f"Small caps trade at <b>{v['relative_forward_pe']:.2f}x</b> the large caps' forward "
            f"P/E ({v['discount_pct']:+.0f}%), the {_ordinal(v['discount_percentile_frac'])} "
            f"percentile of the last {v['window_months'] // 12:.0f} years"
            f" ({v['month_start']:%b %Y})."
        )
    if not data.scorecard.empty:
        s = data.scorecard.iloc[0]
        signals = sum(column.endswith("_signal") for column in s.index)
        sentences.append(
            f"The scorecard's composite is <b>{_signal(s['composite_score'])}</b>: "
            f"<b>{_words(s['composite_label'])}</b>"
            f" ({s['signals_available']} of {signals} signals known)."
        )
    return f'<p class="headline">{" ".join(sentences)}</p>'


def _ordinal(fraction: float) -> str:
    n = max(1, round(fraction * 100))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       margin: 0 auto; max-width: 1260px; padding: 1.5rem; line-height: 1.45; }
h1 { margin: 0 0 .25rem; font-size: 1.7rem; }
h2 { margin: 2rem 0 .4rem; font-size: 1.2rem; border-bottom: 1px solid #ddd;
     padding-bottom: .2rem; }
.meta { color: #555; margin: 0 0 1rem; }
.synthetic { background: #fdecea; border: 2px solid #cb2f2f; color: #7a1010; padding: .8rem 1rem;
             border-radius: 4px; margin: 1rem 0; font-size: 1.05rem; }
.stale { background: #fff6e0; border: 2px solid #d99a00; padding: .6rem 1rem;
         border-radius: 4px; margin: 1rem 0; }
.stale ul { margin: .3rem 0 0; }
.headline { font-size: 1.08rem; background: #f4f7fb; padding: .8rem 1rem; border-radius: 4px; }
figure { margin: 1rem 0 1.5rem; }
figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: .92rem; margin-top: .3rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .93rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border-bottom: 1px solid #e2e2e2; padding: .35rem .6rem; text-align: left;
         vertical-align: top; }
thead th { border-bottom: 2px solid #bbb; }
td.signal { font-weight: 700; text-align: center; }
td.pos { color: #1f6fb4; } td.neg { color: #c05a00; }
td.rule { color: #666; font-size: .88rem; }
tr.composite th, tr.composite td { border-top: 2px solid #bbb; }
table.numbers td { text-align: right; }
table.numbers td:first-child, #pairs td:nth-child(-n+3) { text-align: left; }
.nodata { color: #666; font-style: italic; }
.note { color: #444; font-size: .92rem; }
footer { color: #666; font-size: .85rem; margin-top: 2rem; border-top: 1px solid #ddd;
         padding-top: .6rem; }
"""


def page(data: ReportData, rendered: list[Chart], generated: datetime | None = None) -> str:
    """The report as one HTML document: inline style, charts as data URIs, no scripts."""
    as_of, sides = data.as_of, data.pair_sides
    banner = (
        '<div class="synthetic" id="synthetic-banner" role="alert"><b>Synthetic data.</b> These '
        "figures come from the built-in <code>sample</code> source, a simulated market: they are "
        "synthetic, not market history. Load the <code>files</code> or <code>live</code> source "
        "for real figures.</div>"
        if data.synthetic
        else ""
    )
    figures = {}
    for chart in rendered:
        uri = "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
        figures[chart.name] = (
            f'<figure id="chart-{chart.name}" data-has-data="{str(chart.has_data).lower()}">'
            f'<img class="chart" src="{uri}" alt="{html.escape(chart.title)}">'
            f"<figcaption>{html.escape(chart.caption)}</figcaption></figure>"
        )
    sections = [
        ("Scorecard", scorecard_table(data.scorecard, data.sides)),
        ("Relative strength", figures.get("relative_strength", "")),
        ("Year-to-date spread by year", figures.get("ytd_spread_by_year", "")),
        (
            "10-day spread and rotation episodes",
            figures.get("spread_10d_episodes", "")
            + episode_table(data.episode_summary, data.pair_sides),
        ),
        ("Valuation", figures.get("relative_pe", "")),
        ("Fund flows", figures.get("etf_flows", "")),
        ("Macro backdrop", figures.get("macro", "")),
        ("Every pair", pairs_table(data.pairs_latest, data.sides)),
    ]
    body = "".join(f"<section><h2>{title}</h2>{content}</section>" for title, content in sections)
    generated = generated or datetime.now()
    sources = ", ".join(data.sources) or "none"
    as_of_text = f"{as_of:%d %B %Y}" if as_of else "no data"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'  # no favicon request
        f"<title>Rotation report: {html.escape(data.pair_label)}, {as_of_text}</title>"
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{html.escape(sides.small_adjective.capitalize())} vs"
        f" {html.escape(sides.large_adjective)} rotation: {html.escape(data.pair_label)}</h1>"
        f'<p class="meta">As of <b id="as-of">{as_of_text}</b> &middot; pair '
        f"<code>{html.escape(data.pair_id)}</code> ({html.escape(data.pair_description)}) "
        f"&middot; source {html.escape(sources)}</p></header>"
        f"{banner}{_stale_notice(data.stale)}{headline(data)}{body}"
        f"<footer>Generated {generated:%Y-%m-%d %H:%M} by the Dagster asset "
        "<code>report/rotation_report</code> from the warehouse's marts. Spreads are"
        f" {html.escape(sides.small_adjective)} minus {html.escape(sides.large_adjective)}"
        " returns in basis points (1 bp = 0.01 percentage point); every formula "
        "is documented in <code>dbt_models/models/marts/*/*.yml</code>. This page loads nothing "
        "from the network.</footer></body></html>"
    )


def _stale_notice(messages: list[str]) -> str:
    """The raw/prices check instruments_current's warnings: what ends the figures early."""
    if not messages:
        return ""
    items = "".join(f"<li>{html.escape(m)}</li>" for m in messages)
    return (
        '<div class="stale" id="stale-instruments" role="alert"><b>Prices end early.</b> '
        "The pairs of these instruments stop where their prices stop (the other figures go on"
        f" to the trading calendar's last day):<ul>{items}</ul></div>"
    )


@dataclass
class Report:
    index: Path | None
    charts: list[Chart]
    seconds: float


def build(data: ReportData, folder: Path, html_page: bool = True) -> Report:
    """Write every chart as ``folder/<name>.png`` and, unless told not to, ``index.html``."""
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    rendered = charts(data)
    for chart in rendered:
        (folder / f"{chart.name}.png").write_bytes(chart.png)
    index = None
    if html_page:
        index = folder / "index.html"
        partial = folder / ".index.html.tmp"
        partial.write_text(page(data, rendered), encoding="utf-8")
        os.replace(partial, index)  # a reader never sees half a page
    return Report(index, rendered, time.perf_counter() - started)


# --------------------------------------------------------------------------------------------
# the asset and the command line


@asset(
    key=["report", "rotation_report"],
    group_name="report",
    # the marts it charts, and what says which pair and whether the prices are synthetic
    deps=[["marts", name] for name in MARTS]
    + [["reference", "pairs"], ["reference", "instruments"], ["raw", "prices"]],
    description=(
        "The rotation report: a self-contained HTML page (charts embedded, readable offline) "
        "and its PNG charts, in <warehouse dir>/report/."
    ),
)
def rotation_report(
    context: AssetExecutionContext, settings: RotationSettings, duckdb: DuckDBResource
) -> MaterializeResult:
    with duckdb.get_connection() as con:
        data = load(con)
    report = build(data, Path(settings.warehouse_path).parent / "report")
    empty = [c.name for c in report.charts if not c.has_data]
    context.log.info(
        f"Report: {report.index} ({len(report.charts)} charts, {report.seconds:.1f} s)"
    )
    return MaterializeResult(
        metadata={
            "index": MetadataValue.path(str(report.index)),
            "charts": len(report.charts),
            "charts_without_data": MetadataValue.text(", ".join(empty) or "none"),
            "pair": data.pair_id,
            "as_of": MetadataValue.text(str(data.as_of)),
            "synthetic": data.synthetic,
            "render_seconds": round(report.seconds, 2),
        }
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m dagster_project.report",
        description="Write the rotation report from the configured warehouse (ROTATION_WAREHOUSE).",
    )
    parser.add_argument("--out", type=Path, help="folder (default: <warehouse dir>/report)")
    parser.add_argument("--png-only", action="store_true", help="the PNG charts, no index.html")
    args = parser.parse_args(argv)
    settings = settings_from_env()
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        data = load(con)
    folder = (args.out or Path(settings.warehouse_path).parent / "report").resolve()
    docs = (PROJECT_ROOT / "docs").resolve()
    if folder.is_relative_to(docs) and set(data.sources) != {"sample"}:
        sys.exit(
            f"{folder} is committed to the repository: write it from the sample source only "
            f"(this warehouse holds {', '.join(data.sources) or 'no'} data)."
        )
    report = build(data, folder, html_page=not args.png_only)
    for chart in report.charts:
        print(f"{folder / (chart.name + '.png')}{'' if chart.has_data else '  (no data)'}")
    if report.index:
        print(report.index)


if __name__ == "__main__":
    main()
