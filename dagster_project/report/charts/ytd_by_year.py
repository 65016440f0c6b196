"""The headline pair's year-to-date spread at each year's last trading day, every year."""

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from dagster_project.report.data import SIZE, ReportData, Sides
from dagster_project.report.frames import has, numeric
from dagster_project.report.style import (
    INK,
    LARGE,
    NEUTRAL,
    SMALL,
    figure,
    no_data,
    styled,
    thousands_axis,
)

NAME = "ytd_spread_by_year"
TITLE = "Year-to-date spread by year"


def caption(data: ReportData) -> str:
    return (
        f"{data.small_name} minus {data.large_name} year-to-date return at each year's last "
        "trading day, in basis points (100 bps = 1 percentage point); the current year to "
        "date is hatched. A year without a full prior-year close has no bar."
    )


def draw(data: ReportData) -> Figure:
    return ytd_by_year_chart(data.rotation, data.pair_label, data.pair_sides)


@styled
def ytd_by_year_chart(rotation: pd.DataFrame, pair_label: str, sides: Sides = SIZE) -> Figure:
    """The YTD spread at each year's last trading day, every year; the current year to date."""
    title = f"Year-to-date spread by year: {pair_label}"
    if not has(rotation, "spread_ytd_bps"):
        return no_data(title, "no year-to-date spread for this pair")
    rows = numeric(rotation.dropna(subset=["spread_ytd_bps"]), "spread_ytd_bps")
    rows = rows.sort_values("rotation_date")
    years = rows.groupby(rows["rotation_date"].dt.year).last()
    last_day = years["rotation_date"].iloc[-1]
    partial = not (last_day.month == 12 and last_day.day >= 29)
    fig, (ax,) = figure(height=4.6)
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
    thousands_axis(ax)
    right = ax.secondary_yaxis("right", functions=(lambda v: v / 100, lambda v: v * 100))
    right.set_ylabel("percentage points")
    fig.legend(handles=_legend(sides, years, partial), loc="outside lower center", ncols=3)
    return fig.get_figure(root=True)


def _legend(sides: Sides, years: pd.DataFrame, partial: bool) -> list[Patch]:
    """Which side led, and the hatched current year with its figure so far."""
    handles = [
        Patch(color=SMALL, label=f"{sides.small} led"),
        Patch(color=LARGE, label=f"{sides.large} led"),
    ]
    if partial:
        last_day, value = years["rotation_date"].iloc[-1], years["spread_ytd_bps"].iloc[-1]
        handles.append(
            Patch(
                facecolor=NEUTRAL,
                edgecolor="white",
                hatch="////",
                label=f"{years.index[-1]} to {last_day:%d %b}: {value:+,.0f} bps",
            )
        )
    return handles
