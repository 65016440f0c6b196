"""The headline pair's 10-day spread with its rotation episodes, each coloured by what the
spread did next; below, that forward spread for every episode of all history."""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from dagster_project.report.data import SIZE, ReportData, Sides, dbt_vars
from dagster_project.report.frames import has, numeric, recent
from dagster_project.report.style import (
    CONTINUED,
    INK,
    NEUTRAL,
    RECENT_YEARS,
    REVERTED,
    date_axis,
    figure,
    no_data,
    styled,
    thousands_axis,
)

NAME = "spread_10d_episodes"
TITLE = "10-day spread and rotation episodes"
FORWARD_HORIZON = 63  # episode markers are coloured by the forward spread over this many days
MARKERS = {"small": "^", "large": "v"}  # an episode of each side
OUTCOME_STYLE = {
    "continued": {"facecolor": CONTINUED, "edgecolor": CONTINUED},
    "reverted": {"facecolor": REVERTED, "edgecolor": REVERTED},
    "pending": {"facecolor": "white", "edgecolor": "#555555"},
}


def caption(data: ReportData) -> str:
    sides, threshold = data.pair_sides, dbt_vars()["episode_threshold_bps"]
    return (
        f"The 10-day return spread, {sides.small} minus {sides.large}. An episode starts the"
        f" day the spread first reaches +{threshold} bps ({sides.small},"
        f" up triangle) or -{threshold} bps ({sides.large}, down"
        " triangle), at least "
        f"{dbt_vars()['episode_min_gap_days']} trading days after the previous one on that side. "
        f"Colour: whether the leading side kept leading over the next {FORWARD_HORIZON} "
        "trading days. The lower panel shows that forward spread for every episode."
    )


def draw(data: ReportData) -> Figure:
    return spread_episodes_chart(
        data.rotation, data.episodes, data.pair_label, RECENT_YEARS, sides=data.pair_sides
    )


@styled
def spread_episodes_chart(
    rotation: pd.DataFrame,
    episodes: pd.DataFrame,
    pair_label: str,
    years: int = 5,
    horizon: int = FORWARD_HORIZON,
    threshold_bps: float | None = None,  # the marts' episode_threshold_bps by default
    sides: Sides = SIZE,
) -> Figure:
    """The 10-day spread with episode starts, coloured by what the spread did next."""
    title = f"10-day spread and rotation episodes: {pair_label}"
    if not has(rotation, "spread_10d_bps"):
        return no_data(title, "no 10-day spread for this pair")
    if threshold_bps is None:
        threshold_bps = dbt_vars()["episode_threshold_bps"]
    rows = numeric(recent(rotation, "rotation_date", years), "spread_10d_bps")
    has_episodes = has(episodes, "start_date")
    fig, axes = figure(
        rows=2 if has_episodes else 1,
        height=7.8 if has_episodes else 4.8,
        ratios=[1.6, 1] if has_episodes else None,
        sharex=False,  # the lower panel spans all history
    )
    ax = axes[0]
    _spread(ax, rows, threshold_bps)
    ax.set_title(f"{title}, last {years} years")
    ax.set_ylabel("10-day spread, bps")
    thousands_axis(ax)
    if has_episodes:
        eps = numeric(episodes, "start_spread_10d_bps", f"fwd_spread_{horizon}d_bps")
        eps["outcome"] = _outcome(eps, horizon)
        _episode_starts(ax, eps[eps["start_date"] >= rows["rotation_date"].min()])
        _forward_spreads(axes[1], eps, horizon, rotation, rows)
    date_axis(ax)
    fig.legend(handles=_legend(sides, threshold_bps, horizon), loc="outside lower center", ncols=4)
    ax.margins(x=0.01)
    return fig.get_figure(root=True)


def _spread(ax, rows: pd.DataFrame, threshold_bps: float) -> None:
    """The 10-day spread, the zero line and the episode thresholds, labelled at the right."""
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
    for level, sign in ((threshold_bps, "+"), (-threshold_bps, "-")):
        ax.text(
            1.0,
            level,
            f" {sign}{threshold_bps:,.0f}",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=8,
            color="#555555",
        )


def _outcome(episodes: pd.DataFrame, horizon: int) -> pd.Series:
    """'continued' / 'reverted' / 'pending' after ``horizon`` days, per episode."""
    continued = episodes[f"lead_continued_{horizon}d"].astype("boolean")
    return pd.Series(
        np.where(
            continued.isna(), "pending", np.where(continued.fillna(False), "continued", "reverted")
        ),
        index=episodes.index,
    )


def _episode_starts(ax, recent_episodes: pd.DataFrame) -> None:
    """A marker at each start in the window, by side and coloured by outcome."""
    for (side, outcome), group in recent_episodes.groupby(["side", "outcome"]):
        ax.scatter(
            group["start_date"],
            group["start_spread_10d_bps"],
            marker=MARKERS[side],
            s=60,
            zorder=3,
            linewidths=1.2,
            **OUTCOME_STYLE[outcome],
        )


def _forward_spreads(
    low, eps: pd.DataFrame, horizon: int, rotation: pd.DataFrame, rows: pd.DataFrame
) -> None:
    """The lower panel: each episode's forward spread over all history, the window above
    shaded."""
    for (side, outcome), group in eps.groupby(["side", "outcome"]):
        known = group.dropna(subset=[f"fwd_spread_{horizon}d_bps"])
        low.scatter(
            known["start_date"],
            known[f"fwd_spread_{horizon}d_bps"],
            marker=MARKERS[side],
            s=36,
            zorder=3,
            linewidths=1.0,
            **OUTCOME_STYLE[outcome],
        )
    low.axhline(0, color=INK, linewidth=0.6)
    start, end = rows["rotation_date"].min(), rows["rotation_date"].max()
    low.axvspan(start, end, color="#eeeeee", zorder=0, linewidth=0)
    first = min(rotation["rotation_date"].min(), eps["start_date"].min())
    low.set_xlim(first - pd.Timedelta(days=90), end + pd.Timedelta(days=90))
    low.set_title(
        f"What followed each episode since {eps['start_date'].min():%Y}: the spread over the"
        f" next {horizon} trading days (shaded: the window above)",
        fontsize=10,
    )
    low.set_ylabel(f"{horizon}-day forward spread, bps")
    thousands_axis(low)
    date_axis(low)


def _legend(sides: Sides, threshold_bps: float, horizon: int) -> list:
    """The spread, the threshold, each side's marker and each outcome's colour."""

    def marker(shape: str, adjective: str) -> Line2D:
        return Line2D(
            [], [], marker=shape, linestyle="", color="#555555", label=f"{adjective} episode start"
        )

    return [
        Line2D([], [], color="#444444", linewidth=0.8, label="10-day spread"),
        Line2D(
            [],
            [],
            color=NEUTRAL,
            linestyle="--",
            label=f"episode threshold +/-{threshold_bps:,.0f}",
        ),
        marker("^", sides.small_adjective),
        marker("v", sides.large_adjective),
        Patch(color=CONTINUED, label=f"lead continued over {horizon} days"),
        Patch(color=REVERTED, label="lead reverted"),
        Patch(facecolor="white", edgecolor="#555555", label=f"{horizon} days not yet passed"),
    ]
