"""The macro backdrop, all history: the Fed's target range, unemployment, the Sahm indicator
and the 2s10s slope, each series as it was known on each trading day."""

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from dagster_project.report.data import ReportData, dbt_vars
from dagster_project.report.frames import has, known_span, numeric, runs
from dagster_project.report.style import (
    INK,
    REVERTED,
    SMALL,
    date_axis,
    figure,
    no_data,
    styled,
    thousands_axis,
)

NAME = "macro"
TITLE = "Fed range, unemployment, Sahm indicator and 2s10s"
COLUMNS = [
    "fed_target_lower_pct",
    "fed_target_upper_pct",
    "dff_pct",
    "unrate_pct",
    "sahm_indicator_pp",
    "slope_2s10s_bps",
]


def caption(data: ReportData) -> str:
    return (
        "Each series as it was known on each trading day: each value from the day it was "
        "published (its vintage, or its release date where the source has no vintages), "
        "first prints until their revisions were out. The Sahm indicator is the 3-month "
        "average unemployment rate minus its minimum of the "
        f"prior 12 months; it triggers at {dbt_vars()['sahm_trigger_pp']:.2f} pp (shaded red)."
    )


def draw(data: ReportData) -> Figure:
    return macro_chart(data.macro)


@styled
def macro_chart(
    macro: pd.DataFrame,
    sahm_trigger: float | None = None,  # the marts' sahm_trigger_pp by default
) -> Figure:
    """Fed target range, unemployment, the Sahm indicator and the 2s10s slope, all history."""
    title = "Macro backdrop"
    if not has(macro, *COLUMNS):
        return no_data(title, "no macro series loaded")
    if sahm_trigger is None:
        sahm_trigger = dbt_vars()["sahm_trigger_pp"]
    rows = numeric(known_span(macro, *COLUMNS), *COLUMNS)
    x = rows["trading_date"]
    fig, (fed, unrate, sahm, curve) = figure(rows=4, height=10.0, ratios=[1.2, 1, 1, 1])
    triggered = rows.get("sahm_triggered", pd.Series(dtype="boolean")).astype("boolean")
    for label, start, end in runs(x, triggered):
        if label == "True":
            for ax in (unrate, sahm):
                ax.axvspan(start, end, color=REVERTED, alpha=0.12, linewidth=0)
    _fed_range(fed, rows, title)
    _unemployment(unrate, rows)
    _sahm(sahm, rows, sahm_trigger)
    _curve(curve, rows)
    return fig.get_figure(root=True)


def _fed_range(fed, rows: pd.DataFrame, title: str) -> None:
    """The Fed's target range as a band, and the effective rate inside it; the chart's title."""
    x = rows["trading_date"]
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


def _unemployment(unrate, rows: pd.DataFrame) -> None:
    """The unemployment rate; the days the Sahm rule triggered are shaded (by the caller)."""
    x = rows["trading_date"]
    unrate.plot(x, rows["unrate_pct"], color=INK, linewidth=1.1, label="unemployment rate")
    unrate.set_ylabel("unemployment, %")
    unrate.legend(
        handles=[
            Line2D([], [], color=INK, label="unemployment rate (latest published month)"),
            Patch(color=REVERTED, alpha=0.25, label="Sahm rule triggered"),
        ],
        loc="best",
    )


def _sahm(sahm, rows: pd.DataFrame, trigger: float) -> None:
    """The Sahm indicator against its trigger."""
    sahm.plot(
        rows["trading_date"],
        rows["sahm_indicator_pp"],
        color="#6a51a3",
        linewidth=1.1,
        label="Sahm indicator",
    )
    sahm.axhline(
        trigger, color=REVERTED, linestyle="--", linewidth=1.0, label=f"trigger {trigger:.2f} pp"
    )
    sahm.axhline(0, color=INK, linewidth=0.5)
    sahm.set_ylabel("Sahm indicator, pp")
    sahm.legend(loc="best")


def _curve(curve, rows: pd.DataFrame) -> None:
    """The 2s10s slope, shaded where the curve is inverted; the date axis of the whole chart."""
    x, slope = rows["trading_date"], rows["slope_2s10s_bps"]
    curve.plot(x, slope, color=INK, linewidth=0.8, label="2s10s (10-year minus 2-year yield)")
    curve.fill_between(
        x, slope, 0, where=slope < 0, color=REVERTED, alpha=0.35, linewidth=0, label="inverted"
    )
    curve.axhline(0, color=INK, linewidth=0.8)
    curve.set_ylabel("2s10s, bps")
    thousands_axis(curve)
    curve.legend(loc="best")
    curve.margins(x=0.01)
    date_axis(curve)
