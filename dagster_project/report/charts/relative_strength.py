"""Relative strength of the headline pair with its 50- and 200-day averages, regimes shaded."""

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from dagster_project.report.data import SIZE, ReportData, Sides
from dagster_project.report.frames import has, numeric, recent, runs
from dagster_project.report.style import (
    INK,
    LARGE,
    RECENT_YEARS,
    SMALL,
    date_axis,
    figure,
    no_data,
    styled,
)

NAME = "relative_strength"  # the PNG's file name without .png
TITLE = "Relative strength and regimes"


def caption(data: ReportData) -> str:
    sides = data.pair_sides
    return (
        f"{data.small_name} divided by {data.large_name} ({data.pair_description}), rebased "
        "to 100 on the pair's first common day, with its 50- and 200-day moving averages. "
        f"Shading: {sides.regime('small_cap_leadership')} (relative strength above its "
        "200-day average and the 50-day above the 200-day) or "
        f"{sides.regime('large_cap_leadership')} (both below)."
    )


def draw(data: ReportData) -> Figure:
    return relative_strength_chart(data.rotation, data.pair_label, RECENT_YEARS, data.pair_sides)


@styled
def relative_strength_chart(
    rotation: pd.DataFrame, pair_label: str, years: int = 5, sides: Sides = SIZE
) -> Figure:
    """Relative strength with its 50- and 200-day averages, regimes shaded, last ``years``."""
    title = f"Relative strength: {pair_label}"
    if not has(rotation, "ratio"):
        return no_data(title, "no rotation rows for this pair")
    base = rotation["rotation_date"].min()
    rows = numeric(
        recent(rotation.sort_values("rotation_date"), "rotation_date", years),
        "ratio",
        "ratio_ma_50",
        "ratio_ma_200",
    )
    fig, (ax,) = figure(height=4.8)
    shades = {"small_cap_leadership": SMALL, "large_cap_leadership": LARGE}
    for label, start, end in runs(rows["rotation_date"], rows["regime"]):
        if label in shades:
            ax.axvspan(start, end, color=shades[label], alpha=0.12, linewidth=0)
    _lines(ax, rows)
    ax.set_title(f"{title} (rising = {sides.small} outperforming), last {years} years")
    ax.set_ylabel(f"relative strength, index (100 = {base:%d %b %Y})")
    handles, _ = ax.get_legend_handles_labels()
    handles += [
        Patch(color=SMALL, alpha=0.25, label=sides.regime("small_cap_leadership")),
        Patch(color=LARGE, alpha=0.25, label=sides.regime("large_cap_leadership")),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=5)
    ax.margins(x=0.01)
    date_axis(ax)
    return fig.get_figure(root=True)


def _lines(ax, rows: pd.DataFrame) -> None:
    """Relative strength, its two averages, and its latest value written at its end."""
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
